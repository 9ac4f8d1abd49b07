"""Local checks of the analyst's input, so that bad input costs no AWS call and gets a clear reason."""

import re
from dataclasses import dataclass
from enum import StrEnum

from AWSIAMConstants import MAX_NAME_LENGTH, NAME_PATTERN


class NameProblem(StrEnum):
    TOO_LONG = "too_long"
    CHARACTERS = "characters"


def split_names(raw: str | None) -> list[str]:
    """Comma-separated names: trimmed, empties dropped, duplicates dropped keeping the first
    spelling. Duplicates are found case-insensitively because IAM names are unique regardless of case."""
    names, seen = [], set()
    for item in (raw or "").split(","):
        name = item.strip()
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def name_problem(name: str, kind: str) -> NameProblem | None:
    """What breaks AWS's rule for a user, group, role or policy name, if anything. Length is told
    first: a long name of good characters must not hear that its characters are wrong."""
    if len(name) > MAX_NAME_LENGTH[kind]:
        return NameProblem.TOO_LONG
    return None if NAME_PATTERN.match(name) else NameProblem.CHARACTERS


def is_valid_name(name: str, kind: str) -> bool:
    return name_problem(name, kind) is None


@dataclass(frozen=True)
class IdentityReference:
    """A user or role name to act on, and the account, ARN and partition when the text was an ARN."""

    name: str
    account: str | None = None
    arn: str | None = None
    partition: str | None = None


def parse_identity_reference(text: str, arn_pattern: re.Pattern, kind: str) -> IdentityReference | None:
    """None when the text is neither a valid `kind` name nor an ARN matching `arn_pattern` (with
    the groups partition, account and name) whose name is valid."""
    match = arn_pattern.match(text)
    if match:
        name = match["name"]
        return IdentityReference(name, match["account"], text, match["partition"]) if is_valid_name(name, kind) else None
    return IdentityReference(text) if is_valid_name(text, kind) else None


def identity_name_too_long(text: str, arn_pattern: re.Pattern, kind: str) -> bool:
    """Whether the name the text gives, itself or in its ARN, is longer than IAM allows for `kind`."""
    match = arn_pattern.match(text)
    return name_problem(match["name"] if match else text, kind) is NameProblem.TOO_LONG
