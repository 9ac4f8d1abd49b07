"""The shared parameter readers: clean values, or InvalidParameter with the contract's wording."""

from enum import StrEnum

import pytest

from ActionRunner import ActionContext
from AWSIAMExceptions import InvalidParameter


class FakeLogger:
    def __init__(self):
        self.lines = []

    def info(self, line):
        self.lines.append(line)


class FakeSiemplify:
    execution_deadline_unix_time_ms = 0  # the SDK's value when the platform sets no deadline

    def __init__(self, **params):
        self.params = params
        self.LOGGER = FakeLogger()

    def extract_action_param(self, name, default_value=None, input_type=str, is_mandatory=False, print_value=False):
        return self.params.get(name)


class Scope(StrEnum):
    ALL = "All"
    AWS = "AWS"
    LOCAL = "Local"


def context(**params):
    return ActionContext(FakeSiemplify(**{name.replace("_", " "): value for name, value in params.items()}))


@pytest.mark.parametrize("raw, expected", [(None, 50), ("", 50), ("  ", 50), ("1", 1), (" 1000 ", 1000), ("007", 7)])
def test_int_param_accepts_whole_numbers_and_defaults_when_empty(raw, expected):
    assert context(Max=raw).int_param("Max", default=50) == expected


@pytest.mark.parametrize(
    "raw",
    ["0", "1001", "-3", "1.5", "ten", "1e3", "1_000", "+5", "٣", "0x10", "9" * 4301, "1" + "0" * 5000],
    ids=["zero", "over-max", "negative", "fraction", "word", "exponent", "underscore", "plus-sign", "arabic-digit", "hex",
         "4301-digits", "5001-digits"],
)
def test_int_param_rejects_anything_else(raw):
    with pytest.raises(InvalidParameter) as caught:
        context(Max=raw).int_param("Max", default=50)
    assert str(caught.value) == "'Max' must be a whole number between 1 and 1000."


@pytest.mark.parametrize("raw, expected", [(None, False), ("", False), ("true", True), ("TRUE", True), ("False", False)])
def test_bool_param(raw, expected):
    assert context(Flag=raw).bool_param("Flag", default=False) is expected


@pytest.mark.parametrize("raw", ["yes", "1", "on"])
def test_bool_param_rejects_non_booleans(raw):
    with pytest.raises(InvalidParameter, match=r"^'Flag' must be true or false\.$"):
        context(Flag=raw).bool_param("Flag")


@pytest.mark.parametrize("raw, expected", [(None, Scope.ALL), ("aws", Scope.AWS), (" Local ", Scope.LOCAL)])
def test_choice_param_matches_case_insensitively(raw, expected):
    assert context(Scope=raw).choice_param("Scope", Scope, default=Scope.ALL) is expected


def test_choice_param_names_the_options():
    with pytest.raises(InvalidParameter) as caught:
        context(Scope="Global").choice_param("Scope", Scope, default=Scope.ALL)
    assert str(caught.value) == "'Scope' must be one of: All, AWS, Local."


@pytest.mark.parametrize("raw", [None, "", "   ", ",", " , ,, "], ids=["absent", "empty", "spaces", "comma", "commas"])
def test_name_list_needs_at_least_one_name(raw):
    with pytest.raises(InvalidParameter) as caught:
        context(Names=raw).name_list("Names")
    assert str(caught.value) == "'Names' must contain at least one name."


def test_name_list_trims_and_drops_case_insensitive_duplicates_keeping_order():
    assert context(Names=" bob, alice ,BOB,, carol,Alice").name_list("Names") == ["bob", "alice", "carol"]


def test_required_param_missing():
    with pytest.raises(InvalidParameter) as caught:
        context(Group=" ").param("Group", required=True)
    assert str(caught.value) == "Missing mandatory parameter 'Group'."
