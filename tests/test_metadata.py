"""The .def, every .actiondef and every script follow docs/package-format.md and agree with each other.

Parametrized over whatever files exist, so a new action is checked the moment its files land.
"""
import ast
import base64
import json
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEF_PATH = ROOT / "Integration-AWSIAM.def"
IDENTIFIER = "AWSIAM"
ACTIONDEFS = sorted((ROOT / "ActionsDefinitions").glob("*.actiondef"))
SCRIPTS = sorted((ROOT / "ActionsScripts").glob("*.py"))
MANAGERS_DIR = ROOT / "Managers"
MANAGERS = sorted(MANAGERS_DIR.glob("*.py"))
STEMS = sorted({p.stem for p in ACTIONDEFS} | {p.stem for p in SCRIPTS})

INTEGRATION_PROPERTY_TYPES = set(range(14))                                  # table A
ACTION_PARAMETER_TYPES = {0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 21}  # table B
BOOLEAN, DDL, MULTI_CHOICE = 1, 15, 21
CHOICE_TYPES = {DDL, MULTI_CHOICE}

# key -> (type, check on the value or None)
DEF_KEYS = {
    "Identifier": (str, lambda v: re.fullmatch(r"[a-zA-Z0-9_-]{1,150}", v) and v == IDENTIFIER),
    "DisplayName": (str, lambda v: 0 < len(v) <= 150),
    "MarketingDisplayName": (str, lambda v: 0 < len(v) <= 150),
    "Description": (str, lambda v: 0 < len(v.strip()) and len(v) <= 2050),
    "Version": (float, lambda v: v >= 1.0),
    "PythonVersion": (int, lambda v: v == 3),
    "MinimumSystemVersion": (float, lambda v: v >= 5.3),
    "Categories": (list, lambda v: v and all(isinstance(c, str) and c for c in v)),
    "DocumentationLink": (str, lambda v: urlparse(v).scheme == "https" and urlparse(v).netloc),
    "ImageBase64": (str, None),
    "SVGImage": (str, None),
    "IsCustom": (bool, lambda v: v is True),
    "IsCertified": (bool, lambda v: v is False),
    "IsPowerUp": (bool, lambda v: v is False),
    "IsAvailableForCommunity": (bool, lambda v: v is True),
    "ShouldInstalledInSystem": (bool, lambda v: v is False),
    "IntegrationProperties": (list, lambda v: 0 < len(v) <= 50),
}
PROPERTY_KEYS = {
    "IntegrationIdentifier": (str, lambda v: v == IDENTIFIER),
    "PropertyName": (str, lambda v: 0 < len(v) <= 150 and len(v.split()) <= 13),
    "PropertyDisplayName": (str, lambda v: 0 < len(v) <= 150),
    "PropertyDescription": (str, lambda v: bool(v.strip())),
    "PropertyType": (int, lambda v: v in INTEGRATION_PROPERTY_TYPES),
    "IsMandatory": (bool, None),
    "Value": ((str, type(None)), None),
}
# The configuration the README documents: name -> (type, mandatory, default)
REQUIRED_PROPERTIES = {
    "AWS Access Key ID": (2, True, None),
    "AWS Secret Key": (3, True, None),
    "Verify SSL": (0, False, "true"),
    # Optional, empty by default: without them the integration acts with the keys, in us-east-1.
    "Role ARN": (2, False, None),
    "External ID": (2, False, None),
    "Region": (2, False, None),
    "Cross-Account Role Name": (2, False, None),
}
ACTIONDEF_KEYS = {
    "Name": (str, lambda v: re.fullmatch(r"[A-Za-z0-9 -]{1,150}", v)),
    "IntegrationIdentifier": (str, lambda v: v == IDENTIFIER),
    "Description": (str, lambda v: 0 < len(v.strip()) and len(v) <= 2050),
    "Creator": (str, lambda v: bool(v)),
    "Version": (float, lambda v: v >= 1.0),
    "IsAsync": (bool, lambda v: v is False),
    "IsCustom": (bool, lambda v: v is True),
    "IsEnabled": (bool, lambda v: v is True),
    "ScriptResultName": (str, lambda v: v == "is_success"),
    "SimulationDataJson": (str, None),
    "DynamicResultsMetadata": (list, None),
    "Parameters": (list, lambda v: len(v) <= 50),
}
OPTIONAL_ACTIONDEF_KEYS = {"DefaultResultValue": (str, type(None))}
PARAMETER_KEYS = {
    "Name": (str, lambda v: re.fullmatch(r"[A-Za-z0-9 '-]{1,150}", v)),
    "Type": (int, lambda v: v in ACTION_PARAMETER_TYPES),
    "IsMandatory": (bool, None),
    "Description": (str, lambda v: bool(v.strip())),
    "DefaultValue": ((str, type(None)), None),
    "Value": ((str, type(None)), None),
    "OptionalValues": ((list, type(None)), None),
}

# Calls through which scripts read action parameters: ctx.param("User Name", ...) and friends.
PARAMETER_READERS = {"param", "name_list", "int_param", "bool_param", "choice_param", "extract_action_param"}


def load_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        pytest.fail(f"{path.name} is not valid JSON: {err}")


def is_of(value, expected) -> bool:
    """isinstance, except that a JSON true/false is no int or float."""
    expected = expected if isinstance(expected, tuple) else (expected,)
    if isinstance(value, bool) and bool not in expected:
        return False
    return isinstance(value, expected)


def check_entry(entry: dict, table: dict, where: str) -> None:
    missing = set(table) - set(entry)
    assert not missing, f"{where}: missing keys {sorted(missing)}"
    for key, (expected, check) in table.items():
        value = entry[key]
        assert is_of(value, expected), f"{where}: {key} is {type(value).__name__}, expected {expected}"
        if check is not None:
            assert check(value), f"{where}: {key} has an invalid value {value!r}"


@pytest.fixture(scope="module")
def definition() -> dict:
    return load_json(DEF_PATH)


def actiondef_ids(paths):
    return [p.stem for p in paths]


# ---------------------------------------------------------------- Integration-AWSIAM.def


def test_def_file_name_matches_identifier(definition):
    assert DEF_PATH.name == f"Integration-{definition['Identifier']}.def"


@pytest.mark.parametrize("key", DEF_KEYS)
def test_def_key(definition, key):
    check_entry({key: definition[key]} if key in definition else {}, {key: DEF_KEYS[key]}, DEF_PATH.name)


def test_def_properties_are_complete(definition):
    for prop in definition["IntegrationProperties"]:
        check_entry(prop, PROPERTY_KEYS, f"property {prop.get('PropertyName')!r}")
        if prop["PropertyType"] == 0:
            assert prop["Value"] in ("true", "false"), prop["PropertyName"]
    names = [p["PropertyName"] for p in definition["IntegrationProperties"]]
    assert len(names) == len(set(names)), f"duplicate property names: {names}"


@pytest.mark.parametrize("name", REQUIRED_PROPERTIES)
def test_def_has_contract_property(definition, name):
    props = {p["PropertyName"]: p for p in definition["IntegrationProperties"]}
    assert name in props
    prop_type, mandatory, default = REQUIRED_PROPERTIES[name]
    assert (props[name]["PropertyType"], props[name]["IsMandatory"], props[name]["Value"]) == (
        prop_type, mandatory, default)


def test_def_svg_icon_is_svg(definition):
    root = ET.fromstring(definition["SVGImage"])
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(root.get("viewBox", "").split()) == 4
    assert len(root) > 0, "the SVG draws nothing"


def test_def_png_icon_decodes(definition):
    png = base64.b64decode(definition["ImageBase64"], validate=True)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = {}, 8
    while pos < len(png):
        (length,), kind = struct.unpack(">I", png[pos:pos + 4]), png[pos + 4:pos + 8]
        data, crc = png[pos + 8:pos + 8 + length], png[pos + 8 + length:pos + 12 + length]
        assert struct.unpack(">I", crc)[0] == zlib.crc32(kind + data), f"bad CRC in {kind!r}"
        chunks[kind] = chunks.get(kind, b"") + data
        pos += 12 + length
    assert set(chunks) >= {b"IHDR", b"IDAT", b"IEND"}
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert 16 <= width <= 512 and 16 <= height <= 512
    assert (depth, color, interlace) == (8, 6, 0), "expected 8-bit RGBA, not interlaced"
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = 1 + 4 * width
    assert len(raw) == height * stride
    assert all(raw[row * stride] <= 4 for row in range(height)), "invalid row filter"


# ---------------------------------------------------------------- ActionsDefinitions/*.actiondef


@pytest.mark.parametrize("path", ACTIONDEFS, ids=actiondef_ids(ACTIONDEFS))
def test_actiondef_keys(path):
    action = load_json(path)
    check_entry(action, ACTIONDEF_KEYS, path.name)
    for key, expected in OPTIONAL_ACTIONDEF_KEYS.items():
        if key in action:
            assert is_of(action[key], expected), f"{path.name}: {key}"


@pytest.mark.parametrize("path", ACTIONDEFS, ids=actiondef_ids(ACTIONDEFS))
def test_actiondef_simulation_data_names_entity_types(path):
    simulation = json.loads(load_json(path)["SimulationDataJson"])
    assert isinstance(simulation, dict) and isinstance(simulation.get("Entities"), list)
    assert all(isinstance(e, str) and e for e in simulation["Entities"])


@pytest.mark.parametrize("path", ACTIONDEFS, ids=actiondef_ids(ACTIONDEFS))
def test_actiondef_dynamic_results_metadata(path):
    entries = load_json(path)["DynamicResultsMetadata"]
    assert len(entries) <= 1, "an action has at most one JSON result"
    for entry in entries:
        check_entry(entry, {"ResultName": (str, lambda v: v == "JsonResult"),
                            "ShowResult": (bool, None),
                            "ResultExample": (str, None)}, path.name)
        json.loads(entry["ResultExample"])


@pytest.mark.parametrize("path", ACTIONDEFS, ids=actiondef_ids(ACTIONDEFS))
def test_actiondef_parameters(path):
    parameters = load_json(path)["Parameters"]
    for param in parameters:
        where = f"{path.name}: parameter {param.get('Name')!r}"
        check_entry(param, PARAMETER_KEYS, where)
        assert param["Value"] == param["DefaultValue"], f"{where}: Value differs from DefaultValue"
        options = param["OptionalValues"]
        if param["Type"] in CHOICE_TYPES:
            assert options and all(isinstance(o, str) and o for o in options), f"{where}: no options"
            assert len(options) == len(set(options)), f"{where}: duplicate options"
        else:
            assert options is None, f"{where}: OptionalValues only for DDL / multi-choice"
        if param["Type"] == DDL:
            assert param["DefaultValue"] in options, f"{where}: default is not one of {options}"
        if param["Type"] == BOOLEAN:
            assert str(param["DefaultValue"]).lower() in ("true", "false"), f"{where}: not a bool default"
    names = [p["Name"] for p in parameters]
    assert len(names) == len(set(names)), f"{path.name}: duplicate parameter names"


def test_action_names_are_unique():
    names = [load_json(p)["Name"] for p in ACTIONDEFS]
    assert len(names) == len(set(names)), names


def test_there_is_a_ping_action():
    assert "Ping" in {load_json(p)["Name"] for p in ACTIONDEFS}


# ---------------------------------------------------------------- scripts and managers


@pytest.mark.parametrize("stem", STEMS)
def test_actiondef_and_script_come_in_pairs(stem):
    assert (ROOT / "ActionsDefinitions" / f"{stem}.actiondef").is_file(), f"{stem}.py has no .actiondef"
    assert (ROOT / "ActionsScripts" / f"{stem}.py").is_file(), f"{stem}.actiondef has no script"


@pytest.mark.parametrize("path", SCRIPTS + MANAGERS, ids=[f"{p.parent.name}/{p.name}" for p in SCRIPTS + MANAGERS])
def test_module_compiles(path):
    compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_managers_are_flat_modules():
    assert not (ROOT / "Managers" / "__init__.py").exists()
    assert [p.name for p in (ROOT / "Managers").iterdir() if p.is_dir() and p.name != "__pycache__"] == []


class Module:
    """Module-level string constants and functions of a script or manager, and what it imports
    from Managers/."""

    _cache: dict[Path, "Module"] = {}

    def __init__(self, path: Path):
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        self.strings: dict[str, str] = {}          # "NAME" or "Class.NAME" -> value
        self.imports: dict[str, tuple[str, str]] = {}  # local name -> (module, name or "")
        self.functions = {node.name: node for node in self.tree.body if isinstance(node, ast.FunctionDef)}
        for node in self.tree.body:
            self._collect(node, "")

    @classmethod
    def of(cls, path: Path) -> "Module":
        if path not in cls._cache:
            cls._cache[path] = cls(path)
        return cls._cache[path]

    def _collect(self, node, prefix: str) -> None:
        if isinstance(node, ast.ClassDef) and not prefix:
            for child in node.body:
                self._collect(child, f"{node.name}.")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                for target in targets:
                    if isinstance(target, ast.Name):
                        self.strings[prefix + target.id] = node.value.value
        elif isinstance(node, ast.ImportFrom) and not prefix and node.level == 0:
            for alias in node.names:
                self.imports[alias.asname or alias.name] = (node.module, alias.name)
        elif isinstance(node, ast.Import) and not prefix:
            for alias in node.names:
                self.imports[alias.asname or alias.name] = (alias.name, "")

    def resolve(self, dotted: str, depth: int = 0) -> str | None:
        """The string a (dotted) name stands for, following imports from Managers/."""
        if dotted in self.strings:
            return self.strings[dotted]
        imported = self._imported(dotted, depth)
        return imported[0].resolve(imported[1], depth + 1) if imported else None

    def function(self, dotted: str, depth: int = 0) -> tuple["Module", ast.FunctionDef] | None:
        """The module-level function a (dotted) name stands for, and its module, following imports from Managers/."""
        if dotted in self.functions:
            return self, self.functions[dotted]
        imported = self._imported(dotted, depth)
        return imported[0].function(imported[1], depth + 1) if imported else None

    def _imported(self, dotted: str, depth: int) -> tuple["Module", str] | None:
        """The Managers/ module a name is imported from, and the name there."""
        head, _, rest = dotted.partition(".")
        if head not in self.imports or depth > 5:
            return None
        module, name = self.imports[head]
        source = MANAGERS_DIR / f"{module}.py"
        remainder = ".".join(part for part in (name, rest) if part)
        if not source.is_file() or not remainder:
            return None
        return Module.of(source), remainder


def _dotted(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def parameters_read(path: Path) -> tuple[set[str], list[str]]:
    """Names the script reads through PARAMETER_READERS, itself or in a Managers/ function it calls
    (one that reads the parameters two scripts share), and the reads whose name is not resolvable."""
    module = Module.of(path)
    names, unresolved = _reads_in(module, module.tree)
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call) and (dotted := _dotted(node.func)) and dotted not in module.functions:
            if (called := module.function(dotted)) is not None:
                helper_names, helper_unresolved = _reads_in(*called)
                names |= helper_names
                unresolved += [f"{called[0].path.name} {read}" for read in helper_unresolved]
    return names, unresolved


def _reads_in(module: Module, tree: ast.AST) -> tuple[set[str], list[str]]:
    names, unresolved = set(), []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in PARAMETER_READERS):
            continue
        arg = node.args[0] if node.args else next(
            (k.value for k in node.keywords if k.arg in ("param_name", "name")), None)
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            names.add(arg.value)
        elif arg is not None and (dotted := _dotted(arg)) and (value := module.resolve(dotted)) is not None:
            names.add(value)
        else:
            unresolved.append(f"line {node.lineno}: {ast.unparse(node)}")
    return names, unresolved


PAIRS = [p for p in ACTIONDEFS if (ROOT / "ActionsScripts" / f"{p.stem}.py").is_file()]


@pytest.mark.parametrize("path", PAIRS, ids=actiondef_ids(PAIRS))
def test_script_reads_exactly_the_declared_parameters(path):
    declared = {p["Name"] for p in load_json(path)["Parameters"]}
    read, unresolved = parameters_read(ROOT / "ActionsScripts" / f"{path.stem}.py")
    assert unresolved == [], (
        "parameter names must be string literals or module-level string constants, so they can be "
        f"checked against the .actiondef: {unresolved}")
    assert read - declared == set(), f"read by the script but not in {path.name}"
    assert declared - read == set(), f"declared in {path.name} but never read by the script"


def test_parameter_reads_are_found_however_the_name_is_spelled(tmp_path, monkeypatch):
    monkeypatch.setitem(globals(), "MANAGERS_DIR", tmp_path)
    (tmp_path / "Names.py").write_text('GROUP = "Group Name"\nclass P:\n    SCOPE = "Scope"\n')
    script = tmp_path / "Action.py"
    script.write_text(
        "import Names\n"
        "from Names import GROUP as G, P\n"
        'MAX = "Max Users to Return"\n'
        "def perform(ctx, siemplify, name):\n"
        '    ctx.param("User Name", required=True)\n'
        "    ctx.int_param(MAX, default=50)\n"
        "    ctx.name_list(G)\n"
        "    ctx.choice_param(P.SCOPE)\n"
        "    ctx.bool_param(Names.P.SCOPE)\n"
        '    siemplify.extract_action_param(param_name="Only Attached")\n'
        "    ctx.param(name)\n")
    read, unresolved = parameters_read(script)
    assert read == {"User Name", "Max Users to Return", "Group Name", "Scope", "Only Attached"}
    assert unresolved == ["line 11: ctx.param(name)"]


def test_parameter_reads_in_a_managers_function_the_script_calls_are_found(tmp_path, monkeypatch):
    monkeypatch.setitem(globals(), "MANAGERS_DIR", tmp_path)
    (tmp_path / "Targets.py").write_text(
        'NAME = "Identity Name"\n'
        "def read_target(ctx, other):\n"
        '    return ctx.choice_param("Identity Type"), ctx.param(NAME), ctx.param(other)\n'
        "def unused(ctx):\n"
        '    return ctx.param("Never Called")\n')
    script = tmp_path / "Action.py"
    script.write_text(
        "import Targets\n"
        "from Targets import read_target\n"
        "def perform(ctx):\n"
        '    return read_target(ctx, "x"), Targets.read_target(ctx, "y"), ctx.param("Policy Name")\n')
    read, unresolved = parameters_read(script)
    assert read == {"Identity Type", "Identity Name", "Policy Name"}
    assert unresolved == ["Targets.py line 3: ctx.param(other)"] * 2


def test_ping_script_carries_the_content_design_guide_wording():
    """Google's validator reads Ping.py itself for how the two messages start."""
    source = (ROOT / "ActionsScripts" / "Ping.py").read_text(encoding="utf-8")
    assert "Successfully connected to the" in source
    assert "Failed to connect to the" in source
