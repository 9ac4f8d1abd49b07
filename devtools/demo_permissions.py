"""The IAM and STS permissions the integration's own access key needs.

Read three ways, so they can be checked against each other (tests/test_docs.py):
- from the manager's code that the actions can reach (the methods the scripts call on
  `ctx.manager`, and everything those use): every IAM/STS operation it names, whether as a client
  method (`self.iam.list_users`), a paginator or `translated("ListUsers")`;
- from the docstrings of that same code ("Needs iam:ListUsers");
- from the least-privilege policy docs/permissions.md publishes, which the demo also gives the
  integration's key, so that `make demo` proves the policy is enough.

With a Role ARN, one call is made with the keys themselves before anything else: AssumeRole. It
is a permission of the keys' own user (docs/reach.md publishes it as a policy of its own), never of the role, which holds the least-privilege policy.
"""

import ast
import json
import re
from functools import cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MANAGER = REPO_ROOT / "Managers" / "AWSIAMManager.py"
PERMISSIONS_DOC = REPO_ROOT / "docs" / "permissions.md"
REACH_DOC = REPO_ROOT / "docs" / "reach.md"
SERVICES = ("iam", "sts")
# The manager's clients for IAM Identity Center: attribute -> (botocore service, permission prefix).
# Only their client-method calls are read: their operation names overlap IAM's (ListUsers, ...).
CLIENTS = {"iam": ("iam", "iam"), "sts": ("sts", "sts"), "sso_admin": ("sso-admin", "sso"),
           "identitystore": ("identitystore", "identitystore")}
KEYS_ONLY = {"sts:AssumeRole"}
# The Sid of each policy the docs publish: the role's (or the plain keys') permissions, and the
# keys' own permission to assume a role.
LEAST_PRIVILEGE_SID = "AWSIAMIntegration"
ASSUME_ROLE_SID = "AWSIAMAssumeRole"
# ...and the trust policy docs/reach.md shows for the role in each account to manage.
TRUST_SID = "TrustTheSecOpsIntegration"
# Where each of those policies is published.
POLICY_DOCS = {LEAST_PRIVILEGE_SID: PERMISSIONS_DOC, ASSUME_ROLE_SID: REACH_DOC, TRUST_SID: REACH_DOC}

# AWS authorizes reads of identity-store data under two namespaces, identitystore (the API the
# actions call) and sso-directory (the console's), and asks that a policy grant both consistently:
# each identitystore read the actions make, and its sso-directory twin.
DIRECTORY_TWINS = {
    "identitystore:GetUserId": "sso-directory:DescribeUserByUniqueAttribute",
    "identitystore:DescribeUser": "sso-directory:DescribeUser",
    "identitystore:DescribeGroup": "sso-directory:DescribeGroup",
    "identitystore:ListGroupMembershipsForMember": "sso-directory:ListGroupsForMember",
}

# "iam:ListUsers", and the shorthand "iam:Attach{User,Group,Role}Policy".
_DECLARED = re.compile(r"\b(iam|sts|sso|identitystore):([A-Za-z]*(?:\{[A-Za-z,]+\}[A-Za-z]*)?)")
_JSON_BLOCK = re.compile(r"```json\n(.*?)\n```", re.DOTALL)


@cache
def _operations(service: str) -> dict[str, str]:
    """{"ListUsers": "ListUsers", "list_users": "ListUsers", ...} from botocore's service model."""
    import botocore.session
    from botocore import xform_name

    names = botocore.session.get_session().get_service_model(service).operation_names
    return {**{name: name for name in names}, **{xform_name(name): name for name in names}}


def _permission(service: str, name: str, prefix: str | None = None) -> str | None:
    operation = _operations(service).get(name)
    return f"{prefix or service}:{operation}" if operation else None


CALLERS = (REPO_ROOT / "ActionsScripts", REPO_ROOT / "Managers")


def _entry_points(manager: Path, callers) -> set[str]:
    """Manager methods the actions use: every `<...>.manager.<method>` outside the manager."""
    found = {"__init__"}
    for folder in callers:
        for path in Path(folder).glob("*.py"):
            if path.resolve() == manager.resolve():
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and _name_of(node.value) == "manager":
                    found.add(node.attr)
    return found


def _name_of(node) -> str | None:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)


def _reachable(path: Path, callers) -> list[ast.AST]:
    """The manager's methods, module functions and module constants the actions can reach."""
    module = ast.parse(path.read_text(encoding="utf-8"))
    methods = {node.name: node for cls in module.body if isinstance(cls, ast.ClassDef) and cls.name == "AWSIAMManager"
               for node in cls.body if isinstance(node, ast.FunctionDef)}
    module_level = {}
    for node in module.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            module_level[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    module_level[target.id] = node
    todo = [methods[name] for name in _entry_points(path, callers) if name in methods]
    seen: list[ast.AST] = []
    while todo:
        node = todo.pop()
        if any(node is done for done in seen):
            continue
        seen.append(node)
        for inner in ast.walk(node):
            if isinstance(inner, ast.Attribute) and _name_of(inner.value) == "self" and inner.attr in methods:
                todo.append(methods[inner.attr])
            elif isinstance(inner, ast.Name) and inner.id in module_level and module_level[inner.id] is not node:
                todo.append(module_level[inner.id])
    return seen


def permissions_called(path: Path = MANAGER, callers=CALLERS) -> set[str]:
    """"service:Operation" for each IAM/STS operation named by manager code an action can reach."""
    found = set()
    for node in _reachable(path, callers):
        for inner in ast.walk(node):
            if isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Attribute) and inner.value.attr in CLIENTS:
                # self.iam.create_user(...), self.sso_admin.list_instances: the client says the service.
                service, prefix = CLIENTS[inner.value.attr]
                found.add(_permission(service, inner.attr, prefix))
            elif isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                # translated("CreateUser"), get_paginator("list_users"), the attach dispatch table.
                found.update(_permission(service, inner.value) for service in SERVICES)
    found.discard(None)
    return found


def permissions_needed(path: Path = MANAGER, callers=CALLERS) -> set[str]:
    """What the least-privilege policy must allow: every permission called except the keys' own
    AssumeRole, and the sso-directory twin of each identity-store read."""
    called = permissions_called(path, callers)
    return (called - KEYS_ONLY) | {twin for permission, twin in DIRECTORY_TWINS.items() if permission in called}


def permissions_declared(path: Path = MANAGER, callers=CALLERS) -> set[str]:
    """"service:Operation" for each permission that a docstring of reachable manager code says it needs."""
    found = set()
    for node in _reachable(path, callers):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            for service, pattern in _DECLARED.findall(ast.get_docstring(node) or ""):
                found.update(f"{service}:{name}" for name in _expand(pattern))
    return found


def _expand(pattern: str) -> list[str]:
    head, brace, rest = pattern.partition("{")
    if not brace:
        return [pattern]
    options, _, tail = rest.partition("}")
    return [f"{head}{option}{tail}" for option in options.split(",")]


def published_policy(sid: str = LEAST_PRIVILEGE_SID, path: Path | None = None) -> dict:
    """The policy document in a ```json block of the docs whose statement has this Sid (by default
    the least-privilege policy), read from the file that publishes it (POLICY_DOCS) unless a path
    is given."""
    path = path or POLICY_DOCS[sid]
    for block in _JSON_BLOCK.findall(path.read_text(encoding="utf-8")):
        try:
            document = json.loads(block)
        except ValueError:
            continue
        if isinstance(document, dict) and "Version" in document and sid in _sids(document):
            return document
    raise LookupError(f"{path.name} has no ```json block holding an IAM policy with the Sid {sid}")


def _statements(policy: dict) -> list[dict]:
    statements = policy.get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


def _sids(policy: dict) -> set[str]:
    return {statement.get("Sid") for statement in _statements(policy) if isinstance(statement, dict)}


def allowed_actions(policy: dict) -> set[str]:
    """Every action the policy's Allow statements list."""
    actions = set()
    for statement in _statements(policy):
        if statement.get("Effect") == "Allow":
            listed = statement.get("Action", [])
            actions.update([listed] if isinstance(listed, str) else listed)
    return actions
