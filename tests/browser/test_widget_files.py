"""The widget JSON files: the shape docs/package-format.md gives, built from their current pages,
tied to their actions, and self-contained. No browser needed."""

import json
import re
from pathlib import Path

import pytest

import widgets

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "Widgets").glob("*.json"))
IDS = [path.stem for path in FILES]
TITLE = re.compile(r"^[A-Za-z0-9-_,\s]+$")  # what mp accepts for a widget title and action name
RAN = {"FieldName": widgets.PLACEHOLDER, "MatchType": 6, "Value": "{stepInstanceName}", "CustomOperatorName": None}


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_there_is_a_widget_for_each_action_that_shows_a_picture():
    assert IDS == ["DisableIdentityCenterUserAccess", "DisableUserAccess", "EnableIdentityCenterUserAccess",
                   "EnableUserAccess", "EnrichIdentityCenterUser", "EnrichUser", "ListUsers"]


def test_every_page_has_its_json_and_every_json_its_page():
    assert [page.stem for page in widgets.pages()] == IDS


def test_every_widget_json_is_built_from_its_current_page():
    stale = [path.name for path in widgets.out_of_date()]
    assert stale == [], "run `make widgets` and commit the JSON it rewrites"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_widget_has_the_platforms_keys(path):
    widget = load(path)
    assert set(widget) == {"Title", "Description", "ActionIdentifier", "Type", "Scope", "DefaultSize",
                           "ConditionsGroup", "DataDefinition"}
    assert TITLE.match(widget["Title"]) and len(widget["Title"]) <= 150
    assert widget["Description"].strip() and len(widget["Description"]) <= 2050
    assert (widget["Type"], widget["Scope"]) == (3, 0)  # HTML, alert
    assert widget["DefaultSize"] in (1, 2, 3, 4)
    definition = widget["DataDefinition"]
    assert set(definition) == {"htmlContent", "htmlHeight", "safeRendering", "type", "widgetDefinitionScope"}
    assert (definition["type"], definition["safeRendering"], definition["widgetDefinitionScope"]) == (3, False, 2)
    assert isinstance(definition["htmlHeight"], int) and 200 <= definition["htmlHeight"] <= 1000


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_widget_shows_only_once_its_step_ran(path):
    group = load(path)["ConditionsGroup"]
    assert group["LogicalOperator"] == 0  # and
    assert group["Conditions"][0] == RAN
    for condition in group["Conditions"]:
        assert condition["FieldName"] == widgets.PLACEHOLDER
        assert condition["MatchType"] in (0, 1, 2, 3, 5, 6, 7)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_widget_belongs_to_its_action(path):
    widget = load(path)
    assert TITLE.match(widget["ActionIdentifier"])
    actiondef = ROOT / "ActionsDefinitions" / f"{path.stem}.actiondef"
    if not actiondef.is_file():
        pytest.skip(f"{path.stem} has no action yet; the package leaves its widget out until it has")
    assert widget["ActionIdentifier"] == load(actiondef)["Name"]
    has_entities = json.loads(load(actiondef)["SimulationDataJson"])["Entities"] != []
    per_entity = {c["Value"] for c in widget["ConditionsGroup"]["Conditions"] if c["MatchType"] == 1}
    assert ("EntityResult" in per_entity) == has_entities


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_page_is_self_contained(path):
    html = load(path)["DataDefinition"]["htmlContent"]
    assert html.count(widgets.PLACEHOLDER) == 1
    # The result is the page's last text, inside <plaintext>, where no markup it holds can end it.
    assert re.search(r'<plaintext id="result" hidden>' + re.escape(widgets.PLACEHOLDER) + r"\s*\Z", html)
    assert not re.search(r"https?://|<link\b|\bsrc=|@import|url\(", html), "widgets have no network"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_page_never_turns_values_into_markup(path):
    html = load(path)["DataDefinition"]["htmlContent"]
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function", html)


def test_the_builder_inlines_css_and_js_and_refuses_what_would_break_the_page(tmp_path, monkeypatch):
    monkeypatch.setattr(widgets, "SOURCES", tmp_path)
    (tmp_path / "a.css").write_text("p { color: red; }")
    (tmp_path / "a.js").write_text("const x = 1;")
    page = tmp_path / "Probe.html"
    page.write_text('<link rel="stylesheet" href="a.css">\n<script src="a.js"></script>\n'
                    f"<plaintext hidden>{widgets.PLACEHOLDER}")
    assert widgets.build_html(page) == ("<style>\np { color: red; }\n</style>\n<script>\nconst x = 1;\n</script>\n"
                                        f"<plaintext hidden>{widgets.PLACEHOLDER}")
    (tmp_path / "a.js").write_text('const x = "</script>";')
    with pytest.raises(widgets.WidgetError, match="would end the inlined <script>"):
        widgets.build_html(page)
    page.write_text('<script src="missing.js"></script>' + widgets.PLACEHOLDER)
    with pytest.raises(widgets.WidgetError, match="missing.js"):
        widgets.build_html(page)
    page.write_text("<p>no placeholder</p>")
    with pytest.raises(widgets.WidgetError, match="exactly once"):
        widgets.build_html(page)
