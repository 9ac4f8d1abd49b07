"""Ping: one cheap IAM read proves the configured credentials and endpoint work."""

from ActionResults import ActionResult
from ActionRunner import run_action
from AWSIAMConstants import ActionSpec

# Google's content design guide fixes how a Ping's messages start, and its validator reads them here.
SUCCESS = "Successfully connected to the AWS IAM server with the provided connection parameters!"
PING = ActionSpec("Ping", "Failed to connect to the AWS IAM server! Error is {reason}")


def perform(ctx):
    ctx.manager.test_connectivity()
    return ActionResult(SUCCESS, success=True)


if __name__ == "__main__":
    run_action(PING, perform)
