"""The Identity Center widgets rendered in headless Chromium with real JSON results: a card per
user for Enrich Identity Center User, and the containment list for Disable and Enable, as for
their IAM-user twins."""

import pytest

import widget_samples
from .test_widget_pages import rendered, rows
from widget_samples import HOSTILE_ENTITY, HOSTILE_TEXT

LABELS = {"disabled": "disabled", "no_access": "no access", "not_found": "not found", "failed": "failed",
          "enabled": "enabled", "not_disabled": "not disabled"}


@pytest.fixture(scope="module")
def ic_samples(moto_server):
    found = widget_samples.identity_center(moto_server)
    moto_server.reset_state()
    return found


@pytest.mark.parametrize("stem", ["DisableIdentityCenterUserAccess", "EnableIdentityCenterUserAccess"])
def test_containment_list_shows_each_user_its_permission_sets_and_why(browser, ic_samples, stem):
    result = ic_samples[stem]
    page = rendered(browser, stem, result)
    shown = rows(page)
    assert len(shown) == len(result)
    for (entity, user, status, sets, reason), item in zip(shown, result):
        outcome = item["EntityResult"]
        assert (entity, status, reason) == (item["Entity"], LABELS[outcome["Status"]], outcome.get("Reason", ""))
        if outcome["UserName"]:
            assert user.splitlines() == [outcome["UserName"], outcome["UserId"]]
        assert sets.split() == outcome["PermissionSets"] or (sets == "none" and outcome["PermissionSets"] == [])
    assert HOSTILE_ENTITY.upper() in [row[0] for row in shown]
    assert "Identity Center user" in page.texts("th")


def test_disable_list_shows_the_sets_denied_and_who_reaches_none(browser, ic_samples):
    page = rendered(browser, "DisableIdentityCenterUserAccess", ic_samples["DisableIdentityCenterUserAccess"])
    jdoe = next(row for row in rows(page) if row[0] == "JDOE@EXAMPLE.COM")
    assert (jdoe[2], jdoe[3].split()) == ("disabled", ["Developer", "ReadOnly"])
    assert sorted(page.texts("#summary .badge")) == ["1 disabled", "1 no access", "1 not found"]
    assert "AWSIAMContainment" in page.text()


def test_enrich_card_shows_each_assignment_and_how_it_is_reached(browser, ic_samples):
    result = ic_samples["EnrichIdentityCenterUser"]
    page = rendered(browser, "EnrichIdentityCenterUser", result)
    assert page.texts("section[data-user] h2") == ["jdoe", "mary"]
    jdoe = page.js("return [...document.querySelector('section[data-user=\"jdoe\"]').querySelectorAll('tbody tr')]"
                   ".map((tr) => [...tr.cells].map((td) => td.innerText.trim()));")
    assert jdoe == [["111111111111", "Developer", "directly"], ["111111111111", "ReadOnly", "group contractors"],
                    ["222222222222", "ReadOnly", "group contractors"]]
    contained = page.js("return document.querySelector('section[data-user=\"jdoe\"]').innerText")
    assert "contained" in contained and "Denied in" in contained
    assert page.js("return document.querySelector('section[data-user=\"mary\"]').classList.contains('contained')") is False
    assert "The identifier is neither an Identity Center user name nor an e-mail address." in page.text()


def test_enrich_card_shows_markup_in_a_display_name_as_text(browser, ic_samples):
    profile = dict(ic_samples["EnrichIdentityCenterUser"][0]["EntityResult"], DisplayName=HOSTILE_TEXT)
    page = rendered(browser, "EnrichIdentityCenterUser", [{"Entity": "JDOE", "EntityResult": profile}])
    assert HOSTILE_TEXT in page.text()
