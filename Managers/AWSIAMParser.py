"""Wording shared by every action. Action-specific wording lives in its own parser module."""

from ActionResults import ActionResult

PING_SUCCESS = "Successfully connected to the AWS IAM server with the provided connection parameters!"


def join_names(names) -> str:
    return ", ".join(names)


def ping_result() -> ActionResult:
    return ActionResult(PING_SUCCESS, success=True)
