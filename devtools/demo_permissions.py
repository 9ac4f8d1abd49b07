"""The IAM and STS permissions the integration's own access key needs.

Read three ways, so they can be checked against each other (tests/test_readme.py):
- from the manager's code: every IAM/STS operation Managers/AWSIAMManager.py names, whether as a
  client method (`self.iam.list_users`), a paginator or `translated("ListUsers")`;
- from the manager's docstrings ("Needs iam:ListUsers");
- from the least-privilege policy the README publishes, which the demo also gives the
  integration's key, so that `make demo` proves the policy is enough.
"""

import ast
import json
import re
from functools import cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MANAGER = REPO_ROOT / "Managers" / "AWSIAMManager.py"
README = REPO_ROOT / "README.md"
SERVICES = ("iam", "sts")

# "iam:ListUsers", and the shorthand "iam:Attach{User,Group,Role}Policy".
_DECLARED = re.compile(r"\b(iam|sts):([A-Za-z]*(?:\{[A-Za-z,]+\}[A-Za-z]*)?)")
_JSON_BLOCK = re.compile(r"```json\n(.*?)\n```", re.DOTALL)


@cache
def _operations(service: str) -> dict[str, str]:
    """{"ListUsers": "ListUsers", "list_users": "ListUsers", ...} from botocore's service model."""
    import botocore.session
    from botocore import xform_name

    names = botocore.session.get_session().get_service_model(service).operation_names
    return {**{name: name for name in names}, **{xform_name(name): name for name in names}}


def _permission(service: str, name: str) -> str | None:
    operation = _operations(service).get(name)
    return f"{service}:{operation}" if operation else None


def permissions_in_code(path: Path = MANAGER) -> set[str]:
    """"service:Operation" for each IAM/STS operation the module's code names."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) and node.value.attr in SERVICES:
            # self.iam.create_user(...), self.sts.get_caller_identity(): the client says the service.
            found.add(_permission(node.value.attr, node.attr))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # translated("CreateUser"), get_paginator("list_users"), the attach dispatch table.
            found.update(_permission(service, node.value) for service in SERVICES)
    found.discard(None)
    return found


def permissions_declared(path: Path = MANAGER) -> set[str]:
    """"service:Operation" for each permission a docstring of the module says it needs."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            for service, pattern in _DECLARED.findall(ast.get_docstring(node) or ""):
                found.update(f"{service}:{name}" for name in _expand(pattern))
    return found


def _expand(pattern: str) -> list[str]:
    head, brace, rest = pattern.partition("{")
    if not brace:
        return [pattern]
    options, _, tail = rest.partition("}")
    return [f"{head}{option}{tail}" for option in options.split(",")]


def readme_policy(path: Path = README) -> dict:
    """The least-privilege policy document: the README's JSON block that is an IAM policy."""
    for block in _JSON_BLOCK.findall(path.read_text(encoding="utf-8")):
        try:
            document = json.loads(block)
        except ValueError:
            continue
        if isinstance(document, dict) and "Statement" in document and "Version" in document:
            return document
    raise LookupError(f"{path.name} has no ```json block holding an IAM policy document")


def allowed_actions(policy: dict) -> set[str]:
    """Every action the policy's Allow statements list."""
    statements = policy["Statement"]
    actions = set()
    for statement in statements if isinstance(statements, list) else [statements]:
        if statement.get("Effect") == "Allow":
            listed = statement.get("Action", [])
            actions.update([listed] if isinstance(listed, str) else listed)
    return actions
