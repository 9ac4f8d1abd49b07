"""Wording shared by every action. Action-specific wording lives in its own parser module."""

import unicodedata

from ActionResults import ActionResult
from AWSIAMConstants import ActionSpec, is_change
from AWSIAMExceptions import AccessDenied, AccountNotReached
from BulkEngine import DeadlineReached, NoAnswerBeforeDeadline

# An item whose write may have taken effect although its answer was lost, and that no read could
# confirm: {attempt} says what was attempted. It is no failure of the action; see each parser.
UNCONFIRMED = "Could not confirm the following in AWS IAM, check them there: {names} ({attempt})"

# An echoed input longer than this (twice the longest valid IAM name) is cut short in messages.
ECHO_LIMIT = 256
_ECHO_HEAD = 64


def shown(text: str) -> str:
    """The input as a message or a log line echoes it: whole, unless absurdly long (say, a pasted
    document), and with every character that would not print as itself escaped (see printable)."""
    if len(text) <= ECHO_LIMIT:
        return printable(text)
    return f"{printable(text[:_ECHO_HEAD])}... ({len(text)} characters)"


# Characters that would not print as themselves: controls (NUL, ESC, a newline inside a value),
# invisible formatting (the right-to-left override), separators that break lines, lone surrogates
# (an invalid UTF-8 byte), private use and unassigned code points.
_HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def printable(text: str, *, keep: str = "") -> str:
    """The text with each hidden character written as Python writes it in a string (\\x00, \\x1b,
    \\u202e), so that an echoed value can neither forge lines nor reorder what the analyst reads;
    the characters in `keep` (a message's own newlines) stay as they are."""
    if text.isprintable() and not keep:
        return text
    return "".join(char if char in keep or unicodedata.category(char) not in _HIDDEN else _escaped(char)
                   for char in text)


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def join_names(names) -> str:
    # A name given twice (two entities naming one user, a role by name and by ARN) is listed once.
    return ", ".join(shown(name) for name in dict.fromkeys(names))


def denied_on_every_item(errors) -> AccessDenied | AccountNotReached | None:
    """AccessDenied on every item that was tried (None stands for an item that did not fail): the
    credentials lack the permission altogether, which is an error of the action, not of its items.
    So is a Cross-Account Role Name that every account it was needed in refused: the first refusal
    names the role."""
    errors = list(errors)
    if errors and all(isinstance(error, (AccessDenied, AccountNotReached)) for error in errors):
        return errors[0]
    return None


def items_result(spec: ActionSpec, lines: list[str], json_result, *, general_error: Exception | None,
                 any_failed: bool, any_done: bool) -> ActionResult:
    """How an action that settles each of its entities or names on its own ends. A general error
    (see denied_on_every_item) heads the message; it, or any item that failed, fails the action.
    Otherwise the result is true when any item was done."""
    if general_error:
        lines = [spec.failure(general_error), *lines]
    if general_error or any_failed:
        return ActionResult("\n".join(lines), success=False, failed=True, json_result=json_result)
    return ActionResult("\n".join(lines), success=any_done, json_result=json_result)


def deadline_reason(error: DeadlineReached, changes_made: list[str]) -> str:
    """Why an action that is not a bulk run ended early: the call the deadline cut, and what the
    run had changed in AWS by then (`changes_made`: the operations AWS confirmed)."""
    if error.operation is None:
        return str(error)
    if isinstance(error, NoAnswerBeforeDeadline):
        cut = f"The platform's execution deadline came before AWS answered the {error.operation} call."
        if is_change(error.operation):
            cut += f" The {error.operation} call may have taken effect: check in AWS."
    else:
        cut = (f"The platform's execution deadline came before the {error.operation} call could be made, "
               "so the action stopped there.")
    if changes_made:
        return f"{cut} Changes AWS confirmed before it: {', '.join(changes_made)}."
    if isinstance(error, NoAnswerBeforeDeadline) and is_change(error.operation):
        return f"{cut} No other change was made."
    return f"{cut} No change was made in AWS."


def unconfirmed_line(names, attempt: str, template: str = UNCONFIRMED) -> list[str]:
    """The line naming the unconfirmed items, or none when there are none. `template` is UNCONFIRMED
    as worded for another service than IAM."""
    names = list(names)
    return [template.format(names=join_names(names), attempt=attempt)] if names else []
