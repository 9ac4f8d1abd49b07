"""Policy documents the actions send: the analyst's document checked locally, the deny-all
document Disable User Access puts on a user, and the session cut-off Revoke Role Sessions puts on
a role."""

import json
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
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise MalformedDocument(f"The policy document is not valid JSON: {err}.") from None
    if not isinstance(document, dict):
        raise MalformedDocument(f"The policy document must be a JSON object, not {_json_kind(document)}.")
    if not document:
        raise MalformedDocument("The policy document is an empty JSON object.")
    return text


def _json_kind(value) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return kinds.get(type(value), "null")
