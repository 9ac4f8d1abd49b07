"""Policy documents the actions send: the analyst's document checked locally, the deny-all
document Disable User Access puts on a user, and the session cut-off Revoke Role Sessions puts on
a role."""

import json
import unicodedata
from datetime import datetime, timezone

# The inline policy Disable User Access adds. PutUserPolicy replaces a policy of the same name,
# which is what makes running the action twice harmless.
DENY_ALL_POLICY_NAME = "DisableUserAccessPolicy"
DENY_ALL_DOCUMENT = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]},
    separators=(",", ":"),
)


# The inline policy the IAM console's "Revoke active sessions" writes on a role, under the same
# name and with the same document, so that the console and the integration recognise each
# other's revocation and either one moves the cut-off forward.
REVOKE_SESSIONS_POLICY_NAME = "AWSRevokeOlderSessions"
TOKEN_ISSUE_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def revoke_older_sessions_document(cutoff: datetime) -> str:
    """Deny everything to sessions whose credentials were issued before `cutoff` (UTC, whole
    seconds). Sessions issued later, including every new AssumeRole, are not affected."""
    issued_before = cutoff.astimezone(timezone.utc).strftime(TOKEN_ISSUE_TIME_FORMAT)
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Action": ["*"], "Resource": ["*"],
            "Condition": {"DateLessThan": {"aws:TokenIssueTime": issued_before}},
        }]},
        separators=(",", ":"),
    )


# Named session only: one inline policy on the role denies everything to the sessions it lists by
# aws:userid, which for a role session is "<RoleId>:<session name>". The list grows with each run.
REVOKED_SESSIONS_POLICY_NAME = "AWSIAMRevokedSessions"


def revoked_sessions_document(user_ids) -> str:
    return compact({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {"StringEquals": {"aws:userid": list(user_ids)}},
    }]})


def revoked_sessions_in(document: dict) -> list[str] | None:
    """The aws:userid values an AWSIAMRevokedSessions document denies; None when the document is
    not one this integration wrote (someone edited it), so that no run overwrites it blindly."""
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or len(statements) != 1 or not isinstance(statements[0], dict):
        return None
    statement = statements[0]
    values = (statement.get("Condition") or {}).get("StringEquals", {}).get("aws:userid")
    if statement.get("Effect") != "Deny" or values is None:
        return None
    values = [values] if isinstance(values, str) else values
    return list(values) if all(isinstance(value, str) for value in values) else None


# Block New Sessions: a statement at the head of the role's trust policy that refuses every way
# of assuming the role. An explicit Deny outranks every Allow the other statements grant.
BLOCK_NEW_SESSIONS_SID = "AWSIAMBlockNewSessions"
BLOCK_NEW_SESSIONS_STATEMENT = {
    "Sid": BLOCK_NEW_SESSIONS_SID, "Effect": "Deny", "Principal": "*",
    "Action": ["sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"],
}


def _statements(document: dict) -> list:
    statements = document.get("Statement", [])
    return [statements] if isinstance(statements, dict) else list(statements)


def is_blocked(trust: dict) -> bool:
    return any(isinstance(s, dict) and s.get("Sid") == BLOCK_NEW_SESSIONS_SID for s in _statements(trust))


def with_block(trust: dict) -> dict:
    """The trust policy with the block statement first and every other statement as it was."""
    return {**trust, "Statement": [BLOCK_NEW_SESSIONS_STATEMENT, *_statements(trust)]}


def without_block(trust: dict) -> dict:
    """The trust policy without the block statement, every other statement as it was. A trust
    policy whose Statement was a single object comes back as a one-element list: the same policy."""
    return {**trust, "Statement": [s for s in _statements(trust)
                                   if not (isinstance(s, dict) and s.get("Sid") == BLOCK_NEW_SESSIONS_SID)]}


def compact(document: dict) -> str:
    return json.dumps(document, separators=(",", ":"))


def policy_size(text: str) -> int:
    """A policy's size as IAM counts it against its quotas: every character but white space."""
    return sum(1 for character in text if not character.isspace())


class MalformedDocument(ValueError):
    """The analyst's policy document cannot be a policy; `reason` says why, for the message."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_policy_document(text: str | None) -> str:
    """The document to send, unchanged, once it is known to be a non-empty JSON object.

    The text itself is sent rather than a re-dump: json.loads keeps only the last of duplicate
    keys, so a re-dump could silently change what the analyst wrote. IAM judges the grammar."""
    text = (text or "").strip()
    if not text:
        raise MalformedDocument("The policy document is empty.")
    unsendable = _first_unsendable(text)
    if unsendable is not None:
        raise MalformedDocument(f"The policy document is not valid text: {unsendable}.")
    try:
        document = json.loads(text, parse_int=_whole_number)
    except json.JSONDecodeError as err:
        raise MalformedDocument(f"The policy document is not valid JSON: {err}.") from None
    except RecursionError:
        raise MalformedDocument("The policy document nests its arrays or objects too deeply to be a policy.") from None
    if not isinstance(document, dict):
        raise MalformedDocument(f"The policy document must be a JSON object, not {_json_kind(document)}.")
    if not document:
        raise MalformedDocument("The policy document is an empty JSON object.")
    return text


# Python's own limit for turning digits into a number; no policy value comes near it.
MAX_NUMBER_DIGITS = 4300


def _whole_number(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise MalformedDocument(
            f"The policy document holds a number of {len(digits.lstrip('-')):,} digits, longer than any policy value "
            f"(at most {MAX_NUMBER_DIGITS:,}).")
    return int(digits)


def _first_unsendable(text: str) -> str | None:
    """Where the text holds a character no request can carry, said for a message: a lone
    surrogate, which is what an invalid UTF-8 byte or half of a surrogate pair becomes."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        return f"character {err.start + 1} (U+{ord(text[err.start]):04X}) is an invalid UTF-8 byte or half of a surrogate pair"
    return None


# CreatePolicy's limit for a policy description.
MAX_DESCRIPTION_LENGTH = 1000


def check_description(text: str | None) -> str | None:
    """The description to send, once it fits IAM's limit and holds only characters a description
    can hold: no control character (but tab and line breaks), no invisible formatting (such as the
    right-to-left override) and nothing that is not valid text. Raises InvalidDescription."""
    if not text:
        return None
    if len(text) > MAX_DESCRIPTION_LENGTH:
        raise InvalidDescription(f"The description is {len(text):,} characters long; IAM allows at most "
                                 f"{MAX_DESCRIPTION_LENGTH:,}.")
    unsendable = _first_unsendable(text)
    if unsendable is not None:
        raise InvalidDescription(f"The description is not valid text: {unsendable}.")
    for position, char in enumerate(text, 1):
        if char not in "\t\n\r" and unicodedata.category(char) in ("Cc", "Cf"):
            raise InvalidDescription(f"The description holds a control or formatting character "
                                     f"(U+{ord(char):04X}, character {position}), which IAM does not accept.")
    return text


class InvalidDescription(ValueError):
    """The analyst's policy description cannot be sent; `reason` says why, for the message."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _json_kind(value) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return kinds.get(type(value), "null")
