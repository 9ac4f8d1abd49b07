"""Local checks of the analyst's input, so that bad input costs no AWS call and gets a clear reason."""

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
