"""Wording shared by every action. Action-specific wording lives in its own parser module."""

from AWSIAMExceptions import AccessDenied

# An echoed input longer than this (twice the longest valid IAM name) is cut short in messages.
ECHO_LIMIT = 256
_ECHO_HEAD = 64


def shown(text: str) -> str:
    """The input as a message echoes it: whole, unless absurdly long (say, a pasted document)."""
    if len(text) <= ECHO_LIMIT:
        return text
    return f"{text[:_ECHO_HEAD]}... ({len(text)} characters)"


def join_names(names) -> str:
    return ", ".join(shown(name) for name in names)


def denied_on_every_item(errors) -> AccessDenied | None:
    """AccessDenied on every item that was tried (None stands for an item that did not fail): the
    credentials lack the permission altogether, which is an error of the action, not of its items."""
    errors = list(errors)
    if errors and all(isinstance(error, AccessDenied) for error in errors):
        return errors[0]
    return None
