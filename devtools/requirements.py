#!/usr/bin/env python3
"""Print the requirement lines declared in pyproject.toml, one per line.

    python devtools/requirements.py runtime        # [project] dependencies (shipped in Dependencies/)
    python devtools/requirements.py dev            # [project.optional-dependencies] dev
    python devtools/requirements.py runtime dev    # both, in that order

pyproject.toml is the only place requirements are declared; the Makefile and the packager read
them through this module.
"""
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def requirements(group: str) -> list[str]:
    """The requirement strings of `group` ("runtime" or the name of an optional-dependencies group)."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    if group == "runtime":
        return list(project.get("dependencies", []))
    extras = project.get("optional-dependencies", {})
    if group not in extras:
        raise KeyError(f"no requirement group {group!r} in {PYPROJECT.name}; "
                       f"known: runtime, {', '.join(sorted(extras))}")
    return list(extras[group])


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        lines = [line for group in argv for line in requirements(group)]
    except KeyError as err:
        print(err.args[0], file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
