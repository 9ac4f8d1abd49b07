"""Each widget rendered in headless Chromium with a real JSON result of its action.

The result is written over the placeholder exactly as the platform does. Every test checks that
the values of the result are in the rendered page, that the page raised and logged no error,
fetched nothing, and showed markup from the data as text. Skipped, with the install command,
where Chromium is missing.
"""

import datetime

import pytest

from widget_samples import HOSTILE_ENTITY, HOSTILE_PATH, HOSTILE_TEXT

LIGHT_BACKGROUND = "rgb(255, 255, 255)"


def rendered(browser, stem, result):
    page = browser.render(stem, result)
    assert_clean(page)
    return page


def assert_clean(page):
    assert page.errors() == []
    assert page.resources_fetched() == []
    assert page.js("return window.__pwned") is None, "markup from the data ran as code"
    injected = page.js("return document.querySelectorAll('#root img, #root b, #root script').length")
    assert injected == 0, "markup from the data became elements"
    assert page.js("return document.querySelectorAll('.w-error').length") == 0


def rows(page):
    """The table's body rows as lists of cell texts."""
    return page.js("return [...document.querySelectorAll('tbody tr')]"
                   ".map((tr) => [...tr.cells].map((td) => td.innerText.trim()));")


# ---------------------------------------------------------------- List Users


def test_list_users_shows_every_user_of_a_real_run(browser, samples):
    users = samples["ListUsers"]
    page = rendered(browser, "ListUsers", users)
    assert page.js("return document.getElementById('count').innerText") == f"{len(users)} users"
    shown = {row[0]: row for row in rows(page)}
    assert set(shown) == {user["UserName"] for user in users}
    for user in users:
        name, user_id, arn, path, created = shown[user["UserName"]]
        assert (user_id, arn, path) == (user["UserId"], user["Arn"], user["Path"])
        assert created == user["CreateDate"][:16].replace("T", " ") + " UTC"


def test_list_users_shows_markup_in_a_path_as_text(browser, samples):
    page = rendered(browser, "ListUsers", samples["ListUsers"])
    mallory = next(row for row in rows(page) if row[0] == "mallory")
    assert mallory[3] == HOSTILE_PATH
    assert HOSTILE_PATH in mallory[2]


def test_list_users_sorts_on_a_column_and_back(browser, samples):
    page = rendered(browser, "ListUsers", samples["ListUsers"])
    names = sorted((user["UserName"] for user in samples["ListUsers"]), key=str.lower)
    page.click("th button", "User name")
    assert [row[0] for row in rows(page)] == names
    assert page.js("return document.querySelector('th').getAttribute('aria-sort')") == "ascending"
    page.click("th button", "User name")
    assert [row[0] for row in rows(page)] == names[::-1]
    page.click("th button", "User ID")
    ids = [row[1] for row in rows(page)]
    # The table sorts as people read: case-insensitive, with digit runs compared as numbers.
    natural = page.js("return arguments[0].slice().sort("
                      "new Intl.Collator(undefined, {numeric: true, sensitivity: 'base'}).compare);", ids)
    assert ids == natural and sorted(ids) == sorted(user["UserId"] for user in samples["ListUsers"])
    page.click("th button", "User ID")
    assert [row[1] for row in rows(page)] == natural[::-1]


def test_list_users_filters_as_you_type(browser, samples):
    page = rendered(browser, "ListUsers", samples["ListUsers"])
    page.driver.find_element("css selector", "input[type=search]").send_keys("bob")
    assert [row[0] for row in rows(page)] == ["Bob.Jones"]
    assert page.js("return document.getElementById('count').innerText") == f"1 of {len(samples['ListUsers'])} users"
    assert_clean(page)


def test_list_users_says_when_there_are_none(browser):
    page = rendered(browser, "ListUsers", [])
    assert page.text() == "No users found in AWS IAM."


# ---------------------------------------------------------------- Disable / Enable User Access

CONTAINMENT = {
    "DisableUserAccess": ("DeactivatedKeys", {"disabled": "disabled", "not_found": "not found", "failed": "failed"}),
    "EnableUserAccess": ("ReactivatedKeys", {"enabled": "enabled", "not_disabled": "not disabled",
                                             "not_found": "not found", "failed": "failed"}),
}


def assert_containment_rows(page, stem, result):
    field, labels = CONTAINMENT[stem]
    shown = rows(page)
    assert len(shown) == len(result)
    for (entity, user, status, keys, reason), item in zip(shown, result):
        outcome = item["EntityResult"]
        assert entity == item["Entity"]
        assert status == labels[outcome["Status"]]
        if outcome.get("UserName"):
            assert user.splitlines()[0] == outcome["UserName"]
        if outcome.get("Arn"):
            assert outcome["Arn"] in user
        if field not in outcome:
            assert keys == "\u2014"
        else:
            assert keys.split() == outcome[field] or (keys == "none" and outcome[field] == [])
        assert reason == outcome.get("Reason", "")
    counts = {}
    for item in result:
        counts[item["EntityResult"]["Status"]] = counts.get(item["EntityResult"]["Status"], 0) + 1
    chips = page.texts("#summary .badge")
    assert sorted(chips) == sorted(f"{count} {labels[status]}" for status, count in counts.items())


def test_disable_shows_who_was_disabled_and_who_was_not_found(browser, samples):
    result = samples["DisableUserAccess"]
    assert {item["EntityResult"]["Status"] for item in result} == {"disabled", "not_found"}
    page = rendered(browser, "DisableUserAccess", result)
    assert_containment_rows(page, "DisableUserAccess", result)
    assert HOSTILE_ENTITY.upper() in [row[0] for row in rows(page)]  # the platform upper-cases identifiers
    assert "DisableUserAccessPolicy" in page.text()


def test_disable_lists_the_access_keys_it_deactivated(browser, samples):
    """The real run has DeactivatedKeys once the action can deactivate keys; until then, the
    result gets them as the containment contract writes them (Bob's key, none for the others)."""
    key = samples["keys"]["DisableUserAccess"]
    result = [dict(item, EntityResult=dict(item["EntityResult"])) for item in samples["DisableUserAccess"]]
    for item in result:
        item["EntityResult"].setdefault(
            "DeactivatedKeys", [key] if item["EntityResult"]["UserName"] == "Bob.Jones" else [])
    result[-1]["EntityResult"].update(Status="failed", Reason=HOSTILE_TEXT)
    page = rendered(browser, "DisableUserAccess", result)
    assert_containment_rows(page, "DisableUserAccess", result)
    bob = next(row for row in rows(page) if row[0] == "BOB.JONES")
    assert bob[3] == key


def test_enable_shows_who_got_access_back_and_which_keys(browser, samples):
    result = samples["EnableUserAccess"]
    page = rendered(browser, "EnableUserAccess", result)
    assert_containment_rows(page, "EnableUserAccess", result)
    bob = next(row for row in rows(page) if row[0] == "BOB.JONES")
    assert (bob[2], bob[3]) == ("enabled", samples["keys"]["EnableUserAccess"])
    assert {row[2] for row in rows(page)} >= {"enabled", "not disabled", "not found"}


def test_containment_without_user_entities(browser):
    page = rendered(browser, "DisableUserAccess", [])
    assert page.text() == "No User entities were in the scope of the action."


# ---------------------------------------------------------------- Enrich User

DAY = datetime.timedelta(days=1)


def days_since(value, now):
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "")).replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    return (now - moment) // DAY


def expected_findings(profile, now):
    """The contract's risk findings, worked out here independently of the widget's script."""
    found = []
    console = profile.get("ConsoleAccess")
    if isinstance(console, dict):  # {"Enabled": ..., "CreateDate": ..., "PasswordResetRequired": ...}
        console = console.get("Enabled", True)
    if console and not profile.get("MFADevices"):
        found.append("Console access without MFA")
    for key in profile.get("AccessKeys") or []:
        if key["Status"] != "Active":
            continue
        idle, age = days_since(key.get("LastUsedDate"), now), days_since(key.get("CreateDate"), now)
        if idle is None:
            found.append(f"Active access key {key['AccessKeyId']} has never been used")
        elif idle >= 90:
            found.append(f"Active access key {key['AccessKeyId']} unused for {idle} days")
        if age is not None and age > 90:
            found.append(f"Active access key {key['AccessKeyId']} is {age} days old")
    if profile.get("Disabled"):
        found.append("Disabled: the deny-all policy DisableUserAccessPolicy is attached")
    if profile.get("Quarantined"):
        found.append("Quarantined by AWS: an AWSCompromisedKeyQuarantine policy is attached")
    return found


def card(page, user_name):
    return page.js("""
        const card = document.querySelector(`section[data-user="${CSS.escape(arguments[0])}"]`);
        if (!card) return null;
        return {
          title: card.querySelector('h2').innerText,
          badges: [...card.querySelectorAll('.card-head .badge')].map((b) => b.innerText),
          findings: [...card.querySelectorAll('.findings li')].map((li) => li.innerText),
          facts: Object.fromEntries([...card.querySelectorAll('dt')].map((dt) => [dt.innerText, dt.nextElementSibling.innerText])),
          keys: [...card.querySelectorAll('tbody tr')].map((tr) => ({
            cells: [...tr.cells].map((td) => td.innerText.trim()), risk: tr.classList.contains('risk')})),
        };""", user_name)


def test_enrich_shows_one_card_per_user_with_its_findings_first(browser, samples):
    result = samples["EnrichUser"]
    now = datetime.datetime.now(datetime.timezone.utc)
    page = rendered(browser, "EnrichUser", result)
    profiles = [item for item in result if item["EntityResult"].get("Status", "enriched") == "enriched"
                and item["EntityResult"].get("UserName")]
    assert len(page.texts("section[data-user]")) == len(profiles) >= 3
    for item in profiles:
        profile = item["EntityResult"]
        shown = card(page, profile["UserName"])
        assert shown["title"] == profile["UserName"]
        assert shown["findings"] == expected_findings(profile, now)
        assert ("Disabled" in shown["badges"]) == bool(profile["Disabled"])
        assert ("Quarantined" in shown["badges"]) == bool(profile["Quarantined"])
        assert shown["facts"]["Entity"] == item["Entity"]
        assert shown["facts"]["User ID"] == profile["UserId"]
        for group in profile["Groups"]:
            assert (group if isinstance(group, str) else group.get("GroupName") or group.get("Name")) in shown["facts"]["Groups"]
        for policy in profile["AttachedPolicies"]:
            assert (policy.get("PolicyName") or policy.get("Name")) in shown["facts"]["Attached policies"]
        assert [k["cells"][0] for k in shown["keys"]] == [key["AccessKeyId"] for key in profile["AccessKeys"]]


def test_enrich_shows_each_keys_last_use_and_marks_the_risky_ones(browser, samples):
    now = datetime.datetime.now(datetime.timezone.utc)
    page = rendered(browser, "EnrichUser", samples["EnrichUser"])
    seen = 0
    for item in samples["EnrichUser"]:
        profile = item["EntityResult"]
        if not profile.get("AccessKeys"):
            continue
        shown = card(page, profile["UserName"])
        for key, row in zip(profile["AccessKeys"], shown["keys"]):
            key_id, status, _created, last_used, service, region = row["cells"]
            assert status == key["Status"]
            if days_since(key.get("LastUsedDate"), now) is not None:
                assert last_used.startswith(key["LastUsedDate"][:16].replace("T", " "))
                assert (service, region) == (key["LastUsedService"], key["LastUsedRegion"])
            else:
                assert last_used == "Never used"
            risky = any(key_id in finding for finding in expected_findings(profile, now))
            assert row["risk"] == risky
            seen += 1
    assert seen >= 2


def test_enrich_shows_markup_in_a_tag_as_text(browser, samples):
    page = rendered(browser, "EnrichUser", samples["EnrichUser"])
    assert HOSTILE_TEXT in card(page, "Bob.Jones")["facts"]["Tags"]


def test_enrich_reports_a_user_that_was_not_found(browser, samples):
    page = rendered(browser, "EnrichUser", samples["EnrichUser"])
    assert "GHOST" in page.text()
    # Reported as not enriched, with its reason, even though the entry names the user it tried.
    missing = page.js("const card = document.querySelector('section[data-entity=\"GHOST\"]');"
                      "return card && card.innerText;")
    assert missing and "not found" in missing and "No IAM user with this name exists in the account." in missing
    assert page.js("return document.querySelector('section[data-user=\"ghost\"]')") is None


# ---------------------------------------------------------------- every widget


@pytest.mark.parametrize("stem", ["ListUsers", "DisableUserAccess", "EnableUserAccess", "EnrichUser",
                                  "DisableIdentityCenterUserAccess", "EnableIdentityCenterUserAccess",
                                  "EnrichIdentityCenterUser"])
def test_page_before_its_step_ran_says_so(browser, stem):
    from widget_browser import widget_html

    page = browser.render(stem, None, html=widget_html(stem))
    assert page.text() == "No result yet: this view fills in once the action has run."
    assert_clean(page)


def test_a_result_that_is_not_json_is_reported_not_thrown(browser):
    from widget_browser import widget_html
    from widgets import PLACEHOLDER

    page = browser.render("ListUsers", None, html=widget_html("ListUsers").replace(PLACEHOLDER, "{not json"))
    assert page.text().startswith("The action's JSON result could not be read:")
    assert page.errors() == []


# ---------------------------------------------------------------- themes


def test_platform_theme_message_switches_to_dark_and_back(browser, samples):
    page = rendered(browser, "ListUsers", samples["ListUsers"])
    assert page.background() == LIGHT_BACKGROUND
    light_text = page.colour()
    page.post_theme("#1b1c1f")
    assert page.background() == "rgb(27, 28, 31)"
    assert page.js("return document.documentElement.dataset.theme") == "dark"
    assert page.colour() != light_text
    page.post_theme({"backgroundColor": "rgb(250, 250, 250)"})
    assert page.background() == "rgb(250, 250, 250)"
    assert page.js("return document.documentElement.dataset.theme") == "light"
    page.post_theme({"theme": "dark"})
    assert page.js("return document.documentElement.dataset.theme") == "dark"
    page.post_theme({"unrelated": 42})
    assert page.js("return document.documentElement.dataset.theme") == "dark"
    assert_clean(page)


def test_dark_preference_of_the_system_is_followed(browser, samples):
    browser.set_color_scheme("dark")
    try:
        page = rendered(browser, "EnrichUser", samples["EnrichUser"])
        assert page.js("return document.documentElement.dataset.theme") == "dark"
        assert page.background() != LIGHT_BACKGROUND
    finally:
        browser.set_color_scheme(None)
