"""Local checks of the analyst's input, so that bad input costs no AWS call and gets a clear reason."""

from AWSIAMConstants import MAX_NAME_LENGTH, NAME_PATTERN


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


def is_valid_name(name: str, kind: str) -> bool:
    """AWS's rule for a user, group, role or policy name: allowed characters and length."""
    return bool(NAME_PATTERN.match(name)) and len(name) <= MAX_NAME_LENGTH[kind]
