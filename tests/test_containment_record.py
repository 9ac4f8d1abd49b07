"""The record Disable User Access keeps on a user, as the AWSIAM-Containment tag: pure checks, no AWS."""

from datetime import datetime, timedelta, timezone

import pytest

from ContainmentModels import MAX_TAG_VALUE_LENGTH, ContainmentRecord

KEY1, KEY2, KEY3 = "AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE", "AKIAJ3EXAMPLEKEY0003"


def test_a_record_reads_back_what_it_wrote():
    record = ContainmentRecord((KEY1, KEY2), "2026-11-29T10:00:00Z")
    assert record.to_tag_value() == f"keys={KEY1}/{KEY2} at=2026-11-29T10:00:00Z"
    assert ContainmentRecord.from_tag_value(record.to_tag_value()) == record


def test_a_new_record_is_stamped_in_utc_whole_seconds():
    paris = timezone(timedelta(hours=1))
    assert ContainmentRecord.new(datetime(2026, 11, 29, 11, 0, 0, 999, tzinfo=paris)) == ContainmentRecord((), "2026-11-29T10:00:00Z")
    assert ContainmentRecord((), "2026-11-29T10:00:00Z").to_tag_value() == "keys= at=2026-11-29T10:00:00Z"


def test_merging_adds_new_keys_keeps_the_first_time_and_drops_keys_that_are_gone():
    first = ContainmentRecord((KEY1, KEY2), "2026-11-29T10:00:00Z")
    assert first.merged({KEY1, KEY3}, [KEY3]) == ContainmentRecord((KEY1, KEY3), "2026-11-29T10:00:00Z")
    assert first.merged({KEY1, KEY2}, [KEY1]) == first  # a key turned on again by hand and off again is listed once


def test_two_of_awss_keys_make_a_record_well_within_a_tag():
    value = ContainmentRecord((KEY1, KEY2), "2026-11-29T10:00:00Z").to_tag_value()
    assert len(value) == 70 < MAX_TAG_VALUE_LENGTH


@pytest.mark.parametrize(
    "value",
    ['{"keys":["AKIAIOSFODNN7EXAMPLE"],"at":"2026-11-29T10:00:00Z"}', "", "restore me later",
     "keys=AKIA1 AKIA2 at=2026-11-29T10:00:00Z", "keys=AKIA1 at=2026-11-29", "keys=AKIA1//AKIA2 at=2026-11-29T10:00:00Z",
     " keys=AKIA1 at=2026-11-29T10:00:00Z", "keys=ÅKIA1 at=2026-11-29T10:00:00Z"],
    ids=["json", "empty", "free-text", "space-separated", "date-only", "empty-key", "leading-space", "non-ascii"],
)
def test_anything_else_is_not_a_record(value):
    assert ContainmentRecord.from_tag_value(value) is None


def test_a_key_listed_twice_reads_as_one():
    assert ContainmentRecord.from_tag_value(f"keys={KEY1}/{KEY2}/{KEY1} at=2026-11-29T10:00:00Z").keys == (KEY1, KEY2)
