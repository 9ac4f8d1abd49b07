"""Which AWS calls (IAM, STS, IAM Identity Center) one action can make, read from its code (no AWS, nothing run).

    operations_of(Path("ActionsScripts/DisableUserAccess.py"))
    -> {"iam:PutUserPolicy", "iam:ListUsers", "sts:GetCallerIdentity"}

A call graph over the script and the classes and functions of Managers/:
- the script's entry points: `ctx.manager.m(...)`, and `Workflow(...).m(...)` for a class of
  Managers/ (also through a variable that holds one);
- inside a class: `self.m` (a method, property or callback), `self.manager.m` (the manager),
  module-level names (functions, dispatch tables), and classes imported from other modules of
  Managers/ (the whole class);
- an attribute set in `__init__` from a method that is only referenced, not called
  (`self._caller = Once(self.get_caller_identity)`), leads to that method only where the
  attribute itself is used; a method called in `__init__` is reached whenever the class is.
The operations are the manager's `.iam.<op>` / `.sts.<op>` calls and the operation names its
reached code spells out (`translated("ListUsers")`, a paginator's "list_users", a dispatch table).
tests/test_ai_metadata.py checks each action's flow description against it.
"""

import ast
from functools import cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MANAGERS = REPO_ROOT / "Managers"
MANAGER_CLASS = "AWSIAMManager"
SERVICES = ("iam", "sts")
# The manager's clients for IAM Identity Center: the attribute that holds each, its botocore
# service, and the prefix of its permissions. Only their client-method calls are read: their
# operation names (ListUsers, CreateGroup, ...) overlap IAM's, so a spelled-out name stays IAM's.
CLIENTS = {"iam": ("iam", "iam"), "sts": ("sts", "sts"), "sso_admin": ("sso-admin", "sso"),
           "identitystore": ("identitystore", "identitystore")}


@cache
def _operations(service: str) -> dict[str, str]:
    """{"ListUsers": "ListUsers", "list_users": "ListUsers", ...} from botocore's service model."""
    import botocore.session
    from botocore import xform_name

    names = botocore.session.get_session().get_service_model(service).operation_names
    return {**{name: name for name in names}, **{xform_name(name): name for name in names}}


class _Module:
    def __init__(self, path: Path):
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.classes = {node.name: node for node in self.tree.body if isinstance(node, ast.ClassDef)}
        self.names = {}  # module-level functions, classes and assigned constants
        for node in self.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                self.names[node.name] = node
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if isinstance(target, ast.Name):
                        self.names[target.id] = node


class CallGraph:
    def __init__(self, managers: Path = MANAGERS):
        self.modules = {path.stem: _Module(path) for path in sorted(managers.glob("*.py"))}
        self.class_home = {name: module for module in self.modules.values() for name in module.classes}

    # ------------------------------------------------------------------ nodes

    def _methods(self, class_name: str) -> dict[str, ast.FunctionDef]:
        node = self.modules_of(class_name).classes[class_name]
        return {item.name: item for item in node.body if isinstance(item, ast.FunctionDef)}

    def modules_of(self, class_name: str) -> _Module:
        return self.class_home[class_name]

    def _aliases(self, class_name: str) -> dict[str, set[str]]:
        """Attributes set in __init__ from methods that are only referenced there."""
        init = self._methods(class_name).get("__init__")
        aliases: dict[str, set[str]] = {}
        for node in ast.walk(init) if init else ():
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Attribute) and _is_self(target.value):
                        aliases.setdefault(target.attr, set()).update(
                            ref.attr for ref in ast.walk(node.value)
                            if isinstance(ref, ast.Attribute) and _is_self(ref.value))
        return aliases

    # ------------------------------------------------------------------ walking

    def operations(self, script: Path) -> set[str]:
        todo = list(self._entries(ast.parse(script.read_text(encoding="utf-8"))))
        seen, found = set(), set()
        while todo:
            item = todo.pop()
            if item in seen:
                continue
            seen.add(item)
            kind, owner, name = item
            module = self.modules_of(owner) if kind == "method" else self.modules[owner]
            if kind == "method":
                methods = self._methods(owner)
                if name not in methods:
                    continue
                body = methods[name]
                if name != "__init__":
                    todo.append(("method", owner, "__init__"))
            else:
                body = module.names.get(name)
                if body is None:
                    continue
            todo.extend(self._edges(body, kind, owner, module))
            if owner == MANAGER_CLASS or module is self.modules_of(MANAGER_CLASS):
                found |= _named_operations(body)
        return found

    def _entries(self, script: ast.AST):
        instances = {}  # variable -> class, for `flows = Workflow(...)`
        for node in ast.walk(script):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and _name(node.value.func) in self.class_home:
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        instances[target.id] = _name(node.value.func)
        for node in ast.walk(script):
            if not isinstance(node, ast.Attribute):
                continue
            if _name(node.value) == "manager" and node.attr != "manager":
                yield "method", MANAGER_CLASS, node.attr
            elif isinstance(node.value, ast.Call) and _name(node.value.func) in self.class_home:
                yield "method", _name(node.value.func), node.attr
            elif isinstance(node.value, ast.Name) and node.value.id in instances:
                yield "method", instances[node.value.id], node.attr

    def _edges(self, body: ast.AST, kind: str, owner: str, module: _Module):
        aliases = self._aliases(owner) if kind == "method" else {}
        in_init = kind == "method" and getattr(body, "name", "") == "__init__"
        called = {id(node.func) for node in ast.walk(body) if isinstance(node, ast.Call)}
        for node in ast.walk(body):
            if isinstance(node, ast.Attribute) and _is_self(node.value) and kind == "method":
                if in_init and id(node) not in called:
                    continue  # only referenced here: reached through the attribute it is stored in
                yield "method", owner, node.attr
                for target in aliases.get(node.attr, ()):
                    yield "method", owner, target
            elif isinstance(node, ast.Attribute) and _name(node.value) == "manager":
                yield "method", MANAGER_CLASS, node.attr
            elif isinstance(node, ast.Name) and node.id in module.names and module.names[node.id] is not body:
                yield "name", module.path.stem, node.id
            elif isinstance(node, ast.Name) and node.id in self.class_home and node.id != MANAGER_CLASS:
                # A class imported from another module of Managers/ (a shared helper such as the user
                # resolution): all of it, as for a class of this module. The manager itself is only
                # ever reached method by method.
                yield "name", self.class_home[node.id].path.stem, node.id


def _is_self(node) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def _name(node) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else None


def _named_operations(body: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(body):
        if isinstance(node, ast.Attribute) and _name(node.value) in CLIENTS:
            service, prefix = CLIENTS[_name(node.value)]
            operation = _operations(service).get(node.attr)
            if operation:
                found.add(f"{prefix}:{operation}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.update(f"{service}:{_operations(service)[node.value]}" for service in SERVICES
                         if node.value in _operations(service))
    return found


def operations_of(script: Path, managers: Path = MANAGERS) -> set[str]:
    """"service:Operation" for every IAM/STS call the action's script can lead to."""
    return CallGraph(managers).operations(script)
