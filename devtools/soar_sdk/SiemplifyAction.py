"""Local stand-in for the platform SDK's SiemplifyAction (dev/test only, never packaged).

It follows docs/runtime.md. Where the platform calls its own API, this reads a local
JSON file named by SOAR_LOCAL_CONFIG:
    {"configuration": {"<Provider>": {"<PropertyName>": value}},
     "entity_details": {"<identifier as sent>": {"additional_properties": {...}}}}
If SOAR_LOCAL_STATS names a file, end() (and a crash through output_handler) writes
{"configuration_fetches": N, "platform_calls": [...]} there, so tests can count platform round
trips and see what the platform would have received: each entry of platform_calls is
{"endpoint": "UpdateEntities" | "CreateCaseInsight", "body": <the JSON the SDK would POST>}, in
call order.
"""

import io
import json
import os
import sys

import SiemplifyUtils
from ScriptResult import EXECUTION_STATE_FAILED, ScriptResult
from SiemplifyDataModel import DomainEntityInfo, InsightSeverity, InsightType
from SiemplifyLogger import SiemplifyLogger

CONFIG_ENV = "SOAR_LOCAL_CONFIG"
STATS_ENV = "SOAR_LOCAL_STATS"

REQUIRED_CONTEXT_KEYS = (
    "target_entities", "case_id", "alert_id", "environment", "workflow_id", "parameters",
    "integration_identifier", "integration_instance", "action_definition_name",
    "original_requesting_user", "default_result_value",
)
# What add_entity_insight falls back to when neither triggered_by nor an integration is known.
INSIGHT_DEFAULT_THREAT_SOURCE = "Siemplify System"
_ENTITY_FLAGS = ("is_internal", "is_suspicious", "is_artifact", "is_enriched", "is_vulnerable",
                 "is_pivot")


class SiemplifyAction:
    def __init__(self):
        # Capture first, like the platform: every print and log line goes to DebugOutput.
        self._real_stdout = sys.stdout
        self._buffer = io.StringIO()
        sys.stdout = self._buffer
        SiemplifyUtils._active_action = self
        self._configuration_fetches = 0
        self._platform_calls = []

        self.LOGGER = SiemplifyLogger(self._buffer)
        self.script_name = ""
        try:
            self._load_context()
        except BaseException:
            # Give the real stdout back even without output_handler (in-process runs).
            sys.stdout = self._real_stdout
            raise

    def _load_context(self):
        context = _read_context()
        missing = [k for k in REQUIRED_CONTEXT_KEYS if k not in context]
        if missing:
            raise Exception(f"Script context is missing required keys: {', '.join(missing)}")

        self.parameters = dict(context["parameters"] or {})
        self.case_id = context["case_id"]
        self.alert_id = context["alert_id"]
        self.integration_identifier = context["integration_identifier"]
        self.original_requesting_user = context["original_requesting_user"]
        # Epoch milliseconds at which the platform kills the script; an int, 0 when absent.
        self.execution_deadline_unix_time_ms = int(context.get("execution_deadline_unix_time_ms") or 0)
        self._max_json_result_size = context.get("max_json_result_size", 15)

        raw_entities = context["target_entities"] or []
        old_format = bool(raw_entities) and all(isinstance(e, str) for e in raw_entities)
        entity_ids = raw_entities if old_format else [(e["item1"], e["item2"]) for e in raw_entities]
        self.result = ScriptResult(entity_ids, support_old_entities=old_format)
        self.target_entities = self._build_entities(entity_ids, old_format)

    # ----- configuration ---------------------------------------------------------------------
    def get_configuration(self, provider):
        """{PropertyName: value} of the integration instance: one platform round trip."""
        self._configuration_fetches += 1
        self.LOGGER.info(f"Reading configuration of {provider} from the local source")
        if not os.environ.get(CONFIG_ENV):
            self.LOGGER.warning(f"{CONFIG_ENV} is not set: the configuration is empty")
        configuration = _load_local_source().get("configuration", {}).get(provider, {})
        return SiemplifyUtils._ConfigurationDict(configuration)

    def extract_configuration_param(self, provider_name, param_name, default_value=None,
                                    input_type=str, is_mandatory=False, print_value=False):
        if not provider_name:
            raise Exception("provider_name cannot be None\\empty")
        return SiemplifyUtils.extract_script_param(
            siemplify=self, input_dictionary=self.get_configuration(provider_name),
            param_name=param_name, default_value=default_value, input_type=input_type,
            is_mandatory=is_mandatory, print_value=print_value)

    def extract_action_param(self, param_name, default_value=None, input_type=str,
                             is_mandatory=False, print_value=False):
        return SiemplifyUtils.extract_script_param(
            siemplify=self, input_dictionary=self.parameters, param_name=param_name,
            default_value=default_value, input_type=input_type, is_mandatory=is_mandatory,
            print_value=print_value)

    # ----- entities and insights ---------------------------------------------------------------
    def update_entities(self, updated_entities):
        """One platform call (UpdateEntities) for the whole list. As the SDK does, the flags are
        first copied into each entity's properties, then each entity goes as its attribute dict."""
        for entity in updated_entities:
            entity._update_internal_properties()
        self._post("UpdateEntities", [entity.to_dict() for entity in updated_entities])

    def add_entity_insight(self, domain_entity_info, message, triggered_by=None,
                           original_requesting_user=None):
        """One platform call (CreateCaseInsight): an entity insight of severity warning."""
        if not triggered_by:
            triggered_by = (domain_entity_info.additional_properties.get("ThreatSource")
                            or self.integration_identifier or INSIGHT_DEFAULT_THREAT_SOURCE)
        self._post("CreateCaseInsight", {
            "case_id": self.case_id,
            "alert_identifier": self.alert_id,
            "triggered_by": triggered_by,
            "title": "Entity insight",
            "content": message,
            "entity_identifier": domain_entity_info.identifier,
            "severity": InsightSeverity.WARN,
            "type": InsightType.Entity,
            "entity_type": domain_entity_info.entity_type,
            "additional_data": None,
            "additional_data_type": None,
            "additional_data_title": None,
            "original_requesting_user": original_requesting_user,
        })
        return True

    def _post(self, endpoint, body):
        # Serialised now, as the SDK's POST would be: a later change to the entity is not sent,
        # and a value the platform could not take fails here as it would there.
        self._platform_calls.append({"endpoint": endpoint, "body": json.loads(json.dumps(body))})

    # ----- end -------------------------------------------------------------------------------
    def end(self, message, result_value, execution_state=0):
        result_object = self.result._result_object()
        result_json = json.dumps(result_object)
        if len(result_json) > self._max_json_result_size * 1_048_576:
            error = (f"Action failed as JSON result exceeded maximum size "
                     f"{self._max_json_result_size}MB")
            output = {"Message": error, "ResultObjectJson": None, "ResultValue": None,
                      "DebugOutput": error, "ExecutionState": EXECUTION_STATE_FAILED}
        else:
            output = {"Message": message, "ResultObjectJson": result_json,
                      "ResultValue": result_value, "DebugOutput": self._buffer.getvalue(),
                      "ExecutionState": execution_state}
        real_stdout = self._real_stdout
        self._release(write_stats=True)
        real_stdout.write(json.dumps(output))
        real_stdout.flush()
        sys.exit(0)

    # ----- internals -------------------------------------------------------------------------
    def _build_entities(self, entity_ids, old_format):
        details = _load_local_source().get("entity_details", {}) if entity_ids else {}
        entities, seen = [], set()
        for item in entity_ids:
            original, entity_type = (item, None) if old_format else item
            detail = details.get(original, {})
            entity_type = entity_type or detail.get("entity_type")
            # The platform upper-cases identifiers and keeps the spelling in OriginalIdentifier.
            key = (str(original).upper(), entity_type)
            if key in seen:
                continue
            seen.add(key)
            properties = detail.get("additional_properties")
            entities.append(DomainEntityInfo(
                identifier=key[0], entity_type=entity_type,
                additional_properties=dict(properties) if properties is not None
                else {"OriginalIdentifier": original},
                **{flag: detail[flag] for flag in _ENTITY_FLAGS if flag in detail}))
        return entities

    def _release(self, write_stats):
        """Stop capturing: restore sys.stdout, write the stats file, return the captured text."""
        if sys.stdout is self._buffer:
            sys.stdout = self._real_stdout
        if SiemplifyUtils._active_action is self:
            SiemplifyUtils._active_action = None
        if write_stats and os.environ.get(STATS_ENV):
            with open(os.environ[STATS_ENV], "w", encoding="utf-8") as f:
                json.dump({"configuration_fetches": self._configuration_fetches,
                           "platform_calls": self._platform_calls}, f)
        return self._buffer.getvalue()


def _read_context():
    stream = sys.stdin
    raw = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
    text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw.lstrip("\ufeff")
    return json.loads(text)


def _load_local_source():
    path = os.environ.get(CONFIG_ENV)
    if not path:
        return {}
    with open(path, encoding="utf-8-sig") as f:
        return json.load(f)
