"""The AI metadata of every .actiondef (docs/package-format.md, "AI metadata") says what the code does.

- The flow description names, as `iam:X` / `sts:X`, exactly the IAM and STS operations the
  action's script can reach in the manager, and every one of them is a call the manager makes.
- EntityTypes is ["USERUNIQNAME"] exactly when the script reads the target entities (and filters
  them to User entities), [] otherwise, and SimulationDataJson names the same types.
- Outcome categories are values of Google's enum, and AiCategories follows from them as mp derives it.

Parametrized over whatever .actiondef files exist, so an action added later is checked too.
"""
import ast
import json
import re
from pathlib import Path

import pytest

import SiemplifyDataModel
from action_calls import operations_of
from demo_permissions import permissions_called

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "ActionsScripts"
MANAGERS = ROOT / "Managers"
ACTIONDEFS = sorted((ROOT / "ActionsDefinitions").glob("*.actiondef"))
IDS = [p.stem for p in ACTIONDEFS]
AI_KEYS = ("AiDescription", "AiShortDescription", "AiCategories", "EntityTypes", "OutcomeCategories")
SECTIONS = ("General Description", "Flow Description", "Additional Notes")

# The values of mp's OutcomeCategoriesEnum (mp 1.35, mp/core/data_models/integrations/action/ai/).
OUTCOME_CATEGORIES = {
    "Enrich IOC (Indicator of Compromise)", "Enrich Asset", "Update Alert", "Add Alert Comment",
    "Create Ticket", "Update Ticket", "Add IOC to Blocklist", "Remove IOC from Blocklist",
    "Add IOC to Allowlist", "Remove IOC from Allowlist", "Disable Identity (User, Account)",
    "Enable Identity (User, Account)", "Contain Host", "Uncontain Host",
    "Reset Identity Password (User, Account)", "Update Identity (User, Account)", "Search Events",
    "Execute Command on the Host", "Download File", "Send Email", "Search Email", "Delete Email",
    "Update Email", "Submit File", "Send Message", "Search Asset", "Get Alert Information",
}
# How mp derives an action's AI categories from its outcome categories.
REMEDIATION_OUTCOMES = {
    "Create Ticket", "Update Ticket", "Add IOC to Blocklist", "Remove IOC from Blocklist",
    "Add IOC to Allowlist", "Remove IOC from Allowlist", "Disable Identity (User, Account)",
    "Enable Identity (User, Account)", "Contain Host", "Uncontain Host",
    "Reset Identity Password (User, Account)", "Update Identity (User, Account)",
    "Execute Command on the Host", "Send Email", "Delete Email", "Update Email", "Submit File",
}
ENRICHMENT_OUTCOMES = {"Enrich IOC (Indicator of Compromise)", "Enrich Asset", "Search Events",
                       "Search Email", "Search Asset", "Get Alert Information"}
USER = SiemplifyDataModel.EntityTypes.USER

_PREFIXED = re.compile(r"\b(iam|sts|sso|identitystore):([A-Za-z]+)\b")
_WORD = re.compile(r"(?<![:\w])([A-Z][a-z]+(?:[A-Z][a-z]*)+)\b")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def sections(markdown: str) -> dict[str, str]:
    """{heading: body} of the `### ` sections, in order."""
    parts = re.split(r"^### (.+)\n", markdown, flags=re.MULTILINE)
    assert parts[0].strip() == "", f"text before the first heading: {parts[0][:80]!r}"
    return {heading.strip(): body.strip() for heading, body in zip(parts[1::2], parts[2::2])}


def flow_of(path: Path) -> str:
    return sections(load(path)["AiDescription"])["Flow Description"]


def _operation_names(service: str) -> set[str]:
    import botocore.session

    return set(botocore.session.get_session().get_service_model(service).operation_names)


# Permission prefix -> botocore's operations; IAM Identity Center's sso-admin API signs as sso.
OPERATIONS = {"iam": _operation_names("iam"), "sts": _operation_names("sts"), "sso": _operation_names("sso-admin"),
              "identitystore": _operation_names("identitystore")}


def operations_named(text: str) -> tuple[set[str], set[str]]:
    """("service:Operation" named as such, bare IAM/STS operation names that lack the prefix)."""
    named = {f"{service}:{name}" for service, name in _PREFIXED.findall(text)}
    bare = {word for word in _WORD.findall(text) if any(word in ops for ops in OPERATIONS.values())}
    return named, bare


def _context_members_reading_entities() -> set[str]:
    """ActionContext members whose code touches target_entities (the property itself included)."""
    tree = ast.parse((MANAGERS / "ActionRunner.py").read_text(encoding="utf-8"))
    context = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "ActionContext")
    return {node.name for node in context.body if isinstance(node, ast.FunctionDef)
            and any(isinstance(n, ast.Attribute) and n.attr == "target_entities" for n in ast.walk(node))}


def entity_use(script: Path) -> tuple[bool, set[str]]:
    """(whether the script reads the target entities, the entity types it names as EntityTypes.X)."""
    readers = {"target_entities"} | _context_members_reading_entities()
    reads, types = False, set()
    for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in readers:
            reads = True
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "EntityTypes":
            types.add(getattr(SiemplifyDataModel.EntityTypes, node.attr))
    return reads, types


# ---------------------------------------------------------------- shape


@pytest.mark.parametrize("path", ACTIONDEFS, ids=IDS)
def test_every_ai_key_is_present(path):
    definition = load(path)
    assert [key for key in AI_KEYS if key not in definition] == []
    assert isinstance(definition["AiDescription"], str) and isinstance(definition["AiShortDescription"], str)
    for key in ("AiCategories", "EntityTypes", "OutcomeCategories"):
        values = definition[key]
        assert isinstance(values, list) and all(isinstance(v, str) for v in values), key
        assert len(values) == len(set(values)), f"{key} repeats a value"


@pytest.mark.parametrize("path", ACTIONDEFS, ids=IDS)
def test_description_has_the_three_sections_in_order(path):
    found = sections(load(path)["AiDescription"])
    assert tuple(found) == SECTIONS
    assert all(found.values()), "every section has text"


@pytest.mark.parametrize("path", ACTIONDEFS, ids=IDS)
def test_flow_is_numbered_steps(path):
    lines = [line for line in flow_of(path).splitlines() if line.strip()]
    numbers = [int(m.group(1)) for line in lines if (m := re.match(r"(\d+)\. \S", line))]
    assert numbers == list(range(1, len(lines) + 1)), "the flow is a list of steps numbered 1, 2, 3, ..."


@pytest.mark.parametrize("path", ACTIONDEFS, ids=IDS)
def test_short_description_is_one_sentence(path):
    short = load(path)["AiShortDescription"]
    assert "\n" not in short and short.endswith(".") and 20 <= len(short) <= 300
    assert not re.search(r"[.!?] [A-Z]", short), "one sentence"


# ---------------------------------------------------------------- the flow and the code


@pytest.mark.parametrize("path", ACTIONDEFS, ids=IDS)
def test_flow_names_each_operation_as_service_colon_operation(path):
    named, bare = operations_named(flow_of(path))
    assert bare == set(), "write operations as iam:Operation, sts:Operation, sso:Operation or identitystore:Operation"
    unknown = {op for op in named if op.split(":")[1] not in OPERATIONS[op.split(":")[0]]}
    assert unknown == set(), "not operations of botocore's IAM, STS, sso-admin or identitystore service models"


@pytest.mark.parametrize("path", ACTIONDEFS, ids=IDS)
def test_every_operation_in_the_flow_is_a_call_the_manager_makes(path):
    named, _ = operations_named(flow_of(path))
    assert named - permissions_called() == set(), "named in the flow, but Managers/AWSIAMManager.py never calls it"


@pytest.mark.parametrize("path", ACTIONDEFS, ids=IDS)
def test_flow_names_exactly_the_operations_the_script_can_reach(path):
    named, _ = operations_named(flow_of(path))
    reachable = operations_of(SCRIPTS / f"{path.stem}.py")
    assert reachable - named == set(), "the action can make these calls, but its flow does not name them"
    assert named - reachable == set(), "the flow names these calls, but the action's code cannot reach them"


FAKE_MANAGERS = {
    "AWSIAMManager.py": """
class AWSIAMManager:
    def __init__(self):
        self.iam = _new_client("iam")
        self._caller = Once(self.get_caller_identity)   # asked only when needed

    def get_caller_identity(self):
        return self.sts.get_caller_identity()

    def caller(self):
        return self._caller.get()

    def list_users(self):
        with translated("ListUsers"):
            return self.iam.list_users()

    def attach(self, kind):
        getattr(self.iam, "x")(**{"PolicyArn": "arn"}, op=_ATTACH[kind])

    def unused(self):
        self.iam.delete_user(UserName="x")


_ATTACH = {"User": "AttachUserPolicy", "Group": "AttachGroupPolicy"}
""",
    "Workflows.py": """
class Workflows:
    def __init__(self, manager, engine):
        self.manager = manager
        self.engine = engine

    def tag_all(self, names):
        return self.engine.run(names, self._one)

    def _one(self, name):
        if name.startswith("arn:"):
            self.manager.caller()
        return self.manager.attach("User")

    def other(self):
        return self.manager.unused()
""",
    "Resolution.py": """
class Resolver:
    def __init__(self, manager):
        self.manager = manager

    def resolve(self, name, act):
        return act(name) or self.manager.list_users()
""",
    "Reader.py": """
from AWSIAMManager import AWSIAMManager
from Resolution import Resolver


class Reader:
    def __init__(self, manager: AWSIAMManager):
        self.manager = manager
        self.resolver = Resolver(manager)

    def read(self, name):
        return self.resolver.resolve(name, lambda real: self.manager.caller())
""",
}


@pytest.mark.parametrize("script, expected", [
    ("def perform(ctx):\n    return ctx.manager.list_users()\n", {"iam:ListUsers"}),
    ("from Workflows import Workflows\ndef perform(ctx):\n    return Workflows(ctx.manager, ctx.bulk).tag_all([])\n",
     {"iam:AttachUserPolicy", "iam:AttachGroupPolicy", "sts:GetCallerIdentity"}),
    ("from Workflows import Workflows\ndef perform(ctx):\n    flows = Workflows(ctx.manager, None)\n"
     "    return flows.other()\n", {"iam:DeleteUser"}),
    # A class imported from another module is followed whole; the manager named as a type is not.
    ("from Reader import Reader\ndef perform(ctx):\n    return Reader(ctx.manager).read('x')\n",
     {"iam:ListUsers", "sts:GetCallerIdentity"}),
], ids=["manager-method", "workflow-callback-and-lazy-attribute", "workflow-in-a-variable", "class-of-another-module"])
def test_reach_follows_workflows_callbacks_and_lazy_attributes(tmp_path, script, expected):
    for name, source in FAKE_MANAGERS.items():
        (tmp_path / name).write_text(source)
    (tmp_path / "Probe.py").write_text(script)
    assert operations_of(tmp_path / "Probe.py", tmp_path) == expected


def test_bare_operation_names_are_caught():
    named, bare = operations_named("1. Calls `iam:GetPolicy`, then AttachUserPolicy and `sts:GetCallerIdentity`.\n"
                                   "2. Writes DisableUserAccessPolicy; NoSuchEntity is handled.")
    assert named == {"iam:GetPolicy", "sts:GetCallerIdentity"}
    assert bare == {"AttachUserPolicy"}


# ---------------------------------------------------------------- entities


@pytest.mark.parametrize("path", ACTIONDEFS, ids=IDS)
def test_entity_types_match_what_the_script_reads(path):
    definition = load(path)
    reads, types = entity_use(SCRIPTS / f"{path.stem}.py")
    if reads:
        assert types == {USER}, "the script reads target entities, so it must keep only EntityTypes.USER"
        assert definition["EntityTypes"] == [USER]
    else:
        assert definition["EntityTypes"] == [], "the script never reads target entities"
    assert json.loads(definition["SimulationDataJson"])["Entities"] == definition["EntityTypes"]


def test_entity_reads_are_found_through_the_context(tmp_path):
    script = tmp_path / "Probe.py"
    script.write_text("from SiemplifyDataModel import EntityTypes\n"
                      "def perform(ctx):\n    return [e for e in ctx.target_entities if e.entity_type == EntityTypes.USER]\n")
    assert entity_use(script) == (True, {USER})
    script.write_text("def perform(ctx):\n    return ctx.manager.list_users(5)\n")
    assert entity_use(script) == (False, set())


# ---------------------------------------------------------------- categories


@pytest.mark.parametrize("path", ACTIONDEFS, ids=IDS)
def test_outcome_categories_are_values_of_googles_enum(path):
    assert set(load(path)["OutcomeCategories"]) - OUTCOME_CATEGORIES == set()


@pytest.mark.parametrize("path", ACTIONDEFS, ids=IDS)
def test_ai_categories_follow_from_the_outcomes_as_mp_derives_them(path):
    definition = load(path)
    outcomes = set(definition["OutcomeCategories"])
    expected = (["Remediation"] if outcomes & REMEDIATION_OUTCOMES else []) + (
        ["Enrichment"] if outcomes & ENRICHMENT_OUTCOMES else [])
    assert definition["AiCategories"] == expected
