"""Local stand-in for the platform SDK's ScriptResult (dev/test only, never packaged)."""

import json
import sys

EXECUTION_STATE_COMPLETED = 0
EXECUTION_STATE_INPROGRESS = 1
EXECUTION_STATE_FAILED = 2
EXECUTION_STATE_TIMEDOUT = 3

JSON_RESULT_KEY = "JsonResult"


class ScriptResult:
    """Collects what the case wall shows: the JSON result, data tables, entity JSON."""

    def __init__(self, entity_ids, support_old_entities=False):
        # entity_ids: identifiers (old format) or (identifier, type) tuples (new format)
        self._entity_ids = list(entity_ids)
        self.support_old_entities = support_old_entities
        self._entries = {}

    def add_result_json(self, json_data):
        self._entry(JSON_RESULT_KEY)["RawJson"] = _dump(json_data)

    def add_data_table(self, title, data_table, entity_type=None):
        self._entry(title, entity_type)["CSVLines"] = data_table

    def add_entity_json(self, entity_identifier, json_data, entity_type=None):
        self._entry(entity_identifier, entity_type)["RawJson"] = _dump(json_data)

    def _entry(self, title, entity_type=None):
        key = title if self.support_old_entities else (title, entity_type)
        if key not in self._entries:
            entry = {"Title": title}
            if not self.support_old_entities:
                entry["Type"] = entity_type
            entry.update({
                "IsForEntity": self._is_entity(title),
                "Content": "",
                "RawJson": "",
                "CSVLines": "",
                "Attachments": {},
                "Htmls": {},
            })
            self._entries[key] = entry
        return self._entries[key]

    def _is_entity(self, title):
        ids = self._entity_ids if self.support_old_entities else [e[0] for e in self._entity_ids]
        # The platform compares with identifiers as stored in the case (upper-cased).
        return title in ids or title in [str(i).upper() for i in ids]

    def _result_object(self):
        """The object that becomes ResultObjectJson, keyed like the platform SDK does it."""
        if self.support_old_entities:
            return dict(self._entries)
        # New entity format: "<title>_<type>", except the JSON result keeps its plain key.
        return {
            (title if title == JSON_RESULT_KEY else f"{title}_{entity_type}"): entry
            for (title, entity_type), entry in self._entries.items()
        }


def _dump(json_data):
    if isinstance(json_data, (dict, list)):
        try:
            return json.dumps(json_data)
        except (TypeError, ValueError):
            # The platform SDK silently falls back to str(); say so locally.
            sys.stderr.write("ScriptResult: JSON result not serializable, falling back to str() "
                             "for some values as the platform SDK does\n")
            return json.dumps(json_data, default=str)
    if isinstance(json_data, str):
        json.loads(json_data)  # the platform only validates a string
        return json_data
    raise Exception("Expected dictionary, array or JSON serializable string, "
                    f"got {type(json_data).__name__}")
