"""The SDK stand-in (devtools/soar_sdk) follows the platform protocol of docs/runtime.md."""

import json

import pytest

from .conftest import SECRET, context

PROBE = '''
    import json
    from SiemplifyAction import SiemplifyAction
    from SiemplifyUtils import extract_script_param, output_handler
    from ScriptResult import EXECUTION_STATE_COMPLETED, EXECUTION_STATE_FAILED

    @output_handler
    def main():
        siemplify = SiemplifyAction()
        siemplify.script_name = "AWSIAM - Probe"
        print("printed line")
        siemplify.LOGGER.info("logged line")
        mode = siemplify.extract_action_param("Mode", default_value="ok")
        conf = siemplify.get_configuration("AWSIAM")
        secret = extract_script_param(siemplify, input_dictionary=conf, param_name="AWS Secret Key",
                                      print_value=True)
        siemplify.extract_configuration_param("AWSIAM", "AWS Secret Key", print_value=True)
        siemplify.result.add_result_json({"entities": [
            {"identifier": e.identifier, "type": e.entity_type, "props": e.additional_properties}
            for e in siemplify.target_entities]})
        siemplify.result.add_data_table("Entities", ["Identifier,Type"] + [
            f"{e.identifier},{e.entity_type}" for e in siemplify.target_entities])
        if mode == "crash":
            raise ValueError("boom")
        if mode == "fail":
            siemplify.end("Failed on purpose.", False, EXECUTION_STATE_FAILED)
        if mode == "big":
            siemplify.result.add_result_json({"blob": "x" * 2_000_000})
        siemplify.end("Done.", True, EXECUTION_STATE_COMPLETED)

    if __name__ == "__main__":
        main()
'''

USERS = [{"item1": "Alice.Smith", "item2": "USERUNIQNAME"}, {"item1": "bob", "item2": "USERUNIQNAME"}]


@pytest.fixture
def probe(write_script, local_source):
    local_source.write({"AWS Access Key ID": "AKIATEST", "AWS Secret Key": SECRET})
    return write_script(PROBE)


@pytest.fixture(params=["subprocess", "in_process"])
def run(request, run_subprocess, run_in_process):
    return run_subprocess if request.param == "subprocess" else run_in_process


def test_completed_output_has_exactly_the_platform_keys(probe, run):
    result = run(probe, context({"Mode": "ok"}, USERS))

    assert result.exit_code == 0
    assert not result.stdout.endswith("\n")
    assert list(result.output) == ["Message", "ResultObjectJson", "ResultValue", "DebugOutput",
                                   "ExecutionState"]
    assert (result.output["Message"], result.output["ResultValue"],
            result.output["ExecutionState"]) == ("Done.", True, 0)
    assert isinstance(result.output["ResultObjectJson"], str)


def test_failed_state_still_exits_zero(probe, run):
    result = run(probe, context({"Mode": "fail"}))

    assert result.exit_code == 0
    assert (result.output["Message"], result.output["ResultValue"],
            result.output["ExecutionState"]) == ("Failed on purpose.", False, 2)


def test_prints_and_log_lines_go_to_debug_output_only(probe, run):
    result = run(probe, context())

    debug = result.output["DebugOutput"]
    assert "printed line" in debug and "logged line" in debug
    assert "printed line" not in result.stdout.replace(json.dumps(debug), "")


def test_result_entries_follow_the_new_entity_format(probe, run):
    results = run(probe, context(target_entities=USERS)).results

    assert set(results) == {"JsonResult", "Entities_None"}
    table = results["Entities_None"]
    assert table["CSVLines"] == ["Identifier,Type", "ALICE.SMITH,USERUNIQNAME", "BOB,USERUNIQNAME"]
    assert {"Title", "IsForEntity", "Content", "RawJson", "CSVLines", "Attachments"} <= set(table)
    assert table["Title"] == "Entities" and table["IsForEntity"] is False


def test_entities_are_upper_cased_with_original_identifier(probe, run):
    results = run(probe, context(target_entities=USERS)).results

    entities = json.loads(results["JsonResult"]["RawJson"])["entities"]
    assert entities == [
        {"identifier": "ALICE.SMITH", "type": "USERUNIQNAME",
         "props": {"OriginalIdentifier": "Alice.Smith"}},
        {"identifier": "BOB", "type": "USERUNIQNAME", "props": {"OriginalIdentifier": "bob"}},
    ]


def test_entity_details_from_the_local_source_replace_the_default_properties(
        probe, run, local_source):
    local_source.write({"AWS Secret Key": SECRET},
                       entity_details={"bob": {"additional_properties": {"Department": "IT"}}})

    results = run(probe, context(target_entities=USERS)).results

    entities = json.loads(results["JsonResult"]["RawJson"])["entities"]
    assert entities[1]["props"] == {"Department": "IT"}  # no OriginalIdentifier, like some cases


def test_old_entity_format_uses_plain_keys(probe, run):
    results = run(probe, context(target_entities=["alice"])).results

    assert set(results) == {"JsonResult", "Entities"}
    assert results["Entities"]["CSVLines"][1] == "ALICE,None"


def test_context_with_a_bom_is_read(probe, run):
    stdin = b"\xef\xbb\xbf" + json.dumps(context({"Mode": "ok"})).encode("utf-8")

    assert run(probe, stdin).output["Message"] == "Done."


def test_uncaught_exception_exits_one_with_captured_output_on_stderr(probe, run, local_source):
    result = run(probe, context({"Mode": "crash"}))

    assert result.exit_code == 1
    assert result.stdout == ""
    assert "STDOUT:\n" in result.stderr and "printed line" in result.stderr
    assert local_source.fetches() == 2  # the stats file is written on a crash too


def test_each_configuration_read_counts_as_one_fetch(probe, run, local_source):
    run(probe, context())

    assert local_source.fetches() == 2  # get_configuration + extract_configuration_param


def test_secret_from_configuration_never_appears_in_any_output(probe, run):
    for mode in ("ok", "fail", "crash"):
        result = run(probe, context({"Mode": mode}))
        assert SECRET not in result.stdout + result.stderr
    assert "print_value=True ignored for configuration parameter AWS Secret Key" in \
        run(probe, context()).output["DebugOutput"]


def test_json_result_over_the_size_limit_fails_the_action(probe, run):
    output = run(probe, context({"Mode": "big"}, max_json_result_size=1)).output

    assert output == {"Message": "Action failed as JSON result exceeded maximum size 1MB",
                      "ResultObjectJson": None, "ResultValue": None,
                      "DebugOutput": "Action failed as JSON result exceeded maximum size 1MB",
                      "ExecutionState": 2}


def test_repeated_in_process_runs_do_not_leak_into_each_other(probe, run_in_process):
    first = run_in_process(probe, context({"Mode": "ok"}))
    second = run_in_process(probe, context({"Mode": "ok"}))

    assert first.output["DebugOutput"] == second.output["DebugOutput"]
    assert second.output["DebugOutput"].count("logged line") == 1


def test_missing_context_key_is_an_error(probe, run_subprocess):
    ctx = context()
    del ctx["case_id"]

    result = run_subprocess(probe, ctx)

    assert result.exit_code == 1
    assert "missing required keys: case_id" in result.stderr


DEADLINE = '''
    from SiemplifyAction import SiemplifyAction

    siemplify = SiemplifyAction()
    deadline = siemplify.execution_deadline_unix_time_ms
    siemplify.end(f"{type(deadline).__name__} {deadline}", True)
'''


@pytest.mark.parametrize("given, expected", [
    (1767225600123, "int 1767225600123"), ("1767225600123", "int 1767225600123"),
    (None, "int 0"), ("absent", "int 0"),
], ids=["int", "string", "null", "absent"])
def test_execution_deadline_is_an_int_and_zero_when_absent(write_script, local_source, run, given, expected):
    ctx = context()
    if given == "absent":
        del ctx["execution_deadline_unix_time_ms"]
    else:
        ctx["execution_deadline_unix_time_ms"] = given

    result = run(write_script(DEADLINE, name="Deadline"), ctx)

    assert result.output["Message"] == expected


# ----- extract_script_param ------------------------------------------------------------------

class FakeSiemplify:
    def __init__(self):
        self.lines = []
        self.LOGGER = self

    def info(self, message):
        self.lines.append(message)

    warning = info


@pytest.mark.parametrize("raw, input_type, expected", [
    ("42", int, 42), ("-3", int, -3), ("1.5", float, 1.5), ("abc", str, "abc"),
    ("true", bool, True), ("False", bool, False), ("TRUE", bool, True), (True, bool, True),
], ids=["int", "negative-int", "float", "str", "bool-true", "bool-False", "bool-TRUE", "bool-obj"])
def test_extract_converts_by_input_type(raw, input_type, expected):
    from SiemplifyUtils import extract_script_param

    value = extract_script_param(FakeSiemplify(), {"P": raw}, "P", input_type=input_type)

    assert value == expected and type(value) is input_type


@pytest.mark.parametrize("raw, input_type, error, message", [
    ("1.5", int, ValueError, "invalid literal"),
    ("ten", int, ValueError, "invalid literal"),
    ("yes", bool, Exception, "Parameter named P, with value yes isn't a valid BOOL"),
    ("1", bool, Exception, "Parameter named P, with value 1 isn't a valid BOOL"),
], ids=["fraction-as-int", "word-as-int", "yes-as-bool", "one-as-bool"])
def test_extract_rejects_unconvertible_values(raw, input_type, error, message):
    from SiemplifyUtils import extract_script_param

    with pytest.raises(error, match=message):
        extract_script_param(FakeSiemplify(), {"P": raw}, "P", input_type=input_type)


@pytest.mark.parametrize("params", [{}, {"P": ""}, {"P": None}], ids=["absent", "empty", "none"])
def test_extract_missing_mandatory_raises(params):
    from SiemplifyUtils import extract_script_param

    with pytest.raises(Exception, match="^Missing mandatory parameter P$"):
        extract_script_param(FakeSiemplify(), params, "P", is_mandatory=True)


@pytest.mark.parametrize("params", [{}, {"P": ""}], ids=["absent", "empty"])
def test_extract_empty_optional_uses_the_default(params):
    from SiemplifyUtils import extract_script_param

    assert extract_script_param(FakeSiemplify(), params, "P", default_value=50, input_type=int) == 50
    assert extract_script_param(FakeSiemplify(), params, "P") is None


def test_extract_rejects_a_default_of_the_wrong_type():
    from SiemplifyUtils import extract_script_param

    with pytest.raises(Exception, match="doesn't match expected type int"):
        extract_script_param(FakeSiemplify(), {}, "P", default_value="50", input_type=int)


def test_extract_print_value_logs_action_params_only():
    from SiemplifyUtils import _ConfigurationDict, extract_script_param

    siemplify = FakeSiemplify()
    extract_script_param(siemplify, {"P": "visible"}, "P", print_value=True)
    extract_script_param(siemplify, _ConfigurationDict({"Key": SECRET}), "Key", print_value=True)

    assert "P: visible" in siemplify.lines
    assert not any(SECRET in line for line in siemplify.lines)


def test_construct_csv_puts_the_header_first():
    from SiemplifyUtils import construct_csv

    lines = construct_csv([{"A": "1", "B": "x,y"}, {"A": "2"}])

    header = lines[0].split(",")
    assert sorted(header) == ["A", "B"]
    assert dict(zip(header, lines[1].split(","))) == {"A": "1", "B": "x y"}
    assert dict(zip(header, lines[2].split(","))) == {"A": "2", "B": ""}


# ----- enrichment: update_entities and add_entity_insight -------------------------------------

ENRICHER = '''
    from SiemplifyAction import SiemplifyAction
    from SiemplifyUtils import output_handler

    @output_handler
    def main():
        siemplify = SiemplifyAction()
        alice, bob = siemplify.target_entities
        alice.additional_properties["AWSIAM_UserName"] = "Alice.Smith"
        alice.is_enriched = True
        siemplify.update_entities([alice, bob])
        # A change after the call is not part of what was sent.
        alice.additional_properties["AWSIAM_UserName"] = "changed later"
        siemplify.add_entity_insight(alice, "Alice.Smith has console access without MFA.", triggered_by="AWSIAM")
        siemplify.add_entity_insight(bob, "No source given.")
        siemplify.end("Done.", True)

    if __name__ == "__main__":
        main()
'''


def read_platform_calls(local_source_stats):
    return json.loads(local_source_stats.read_text())["platform_calls"]


def test_update_entities_posts_every_entity_with_its_flags_as_properties(write_script, local_source, tmp_path, run):
    run(write_script(ENRICHER), context(target_entities=USERS))

    calls = read_platform_calls(tmp_path / "stats.json")
    assert [call["endpoint"] for call in calls] == ["UpdateEntities", "CreateCaseInsight", "CreateCaseInsight"]
    alice, bob = calls[0]["body"]
    assert alice["identifier"] == "ALICE.SMITH" and alice["entity_type"] == "USERUNIQNAME"
    assert alice["is_enriched"] is True and bob["is_enriched"] is False
    assert alice["additional_properties"] == {
        "OriginalIdentifier": "Alice.Smith", "AWSIAM_UserName": "Alice.Smith",
        "IsInternalAsset": "False", "IsEnriched": "True", "IsSuspicious": "False", "IsVulnerable": "False",
    }
    assert bob["additional_properties"]["IsEnriched"] == "False"


def test_add_entity_insight_posts_what_create_case_insight_receives(write_script, local_source, tmp_path, run):
    run(write_script(ENRICHER), context(target_entities=USERS))

    _, first, second = read_platform_calls(tmp_path / "stats.json")
    assert first["body"] == {
        "case_id": 1, "alert_identifier": "LOCAL-ALERT-1", "triggered_by": "AWSIAM", "title": "Entity insight",
        "content": "Alice.Smith has console access without MFA.", "entity_identifier": "ALICE.SMITH",
        "severity": 1, "type": 1, "entity_type": "USERUNIQNAME", "additional_data": None,
        "additional_data_type": None, "additional_data_title": None, "original_requesting_user": None,
    }
    # Without triggered_by the SDK falls back to the integration's identifier.
    assert second["body"]["triggered_by"] == "AWSIAM"


def test_add_entity_insight_prefers_the_entitys_threat_source(write_script, local_source, tmp_path, run):
    local_source.write(entity_details={"bob": {"additional_properties": {"ThreatSource": "Mandiant"}}})

    run(write_script(ENRICHER), context(target_entities=USERS))

    assert read_platform_calls(tmp_path / "stats.json")[2]["body"]["triggered_by"] == "Mandiant"


def test_a_run_without_platform_calls_records_none(probe, run, tmp_path):
    run(probe, context())

    assert read_platform_calls(tmp_path / "stats.json") == []
