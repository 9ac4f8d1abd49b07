"""Policy documents the actions send: the analyst's document checked locally, and the deny-all
document Disable User Access puts on a user."""

import json

# The inline policy Disable User Access adds. PutUserPolicy replaces a policy of the same name,
# which is what makes running the action twice harmless.
DENY_ALL_POLICY_NAME = "DisableUserAccessPolicy"
DENY_ALL_DOCUMENT = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]},
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
