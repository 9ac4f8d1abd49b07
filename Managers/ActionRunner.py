"""The part every action shares: read the context, fetch the configuration once, build the
manager, run the action, turn errors into a FAILED end, and call end() exactly once."""

from enum import StrEnum
from functools import cached_property
from typing import Callable, TypeVar

from ScriptResult import EXECUTION_STATE_COMPLETED, EXECUTION_STATE_FAILED
from SiemplifyAction import SiemplifyAction
from SiemplifyUtils import extract_script_param

from ActionResults import ActionResult, EntityEnrichment
from AWSIAMConstants import (
    ACCESS_KEY_ID,
    CROSS_ACCOUNT_ROLE_NAME,
    EXTERNAL_ID,
    INTEGRATION_IDENTIFIER,
    MAX_ITEMS_RANGE,
    REGION,
    ROLE_ARN,
    SECRET_KEY,
    VERIFY_SSL,
    ActionSpec,
)
from AWSIAMExceptions import AWSIAMError, InvalidParameter
from AWSIAMParser import deadline_reason, printable, shown
from BulkEngine import BulkEngine, Deadline, DeadlineReached
from ConnectionSettings import (IDENTITY_CENTER_REGION, IDENTITY_CENTER_REGION_MISSING, identity_center_setting,
                                reach_settings)
from InputValidation import split_names

Choice = TypeVar("Choice", bound=StrEnum)


def connection_settings(siemplify, conf: dict) -> dict:
    """The manager's connection keywords from the integration's connection parameters, checked:
    an action's configuration, or a connector's own parameters of the same names."""

    def read(name: str, input_type=str, default=None):
        try:
            return extract_script_param(
                siemplify, input_dictionary=conf, param_name=name, default_value=default,
                input_type=input_type, is_mandatory=False, print_value=False,
            )
        except Exception as err:  # the SDK raises a bare Exception for values it can't convert
            raise InvalidParameter(f"Configuration parameter '{name}' is invalid: {err}") from None

    def optional(name: str) -> str | None:
        return (read(name) or "").strip() or None

    def mandatory(name: str) -> str:
        value = optional(name)
        if not value:
            raise InvalidParameter(f"Missing mandatory configuration parameter '{name}'.")
        return value

    return {
        "access_key_id": mandatory(ACCESS_KEY_ID),
        "secret_key": mandatory(SECRET_KEY),
        "verify_ssl": read(VERIFY_SSL, bool, True),
        **reach_settings(role_arn=optional(ROLE_ARN), external_id=optional(EXTERNAL_ID), region=optional(REGION),
                         cross_account_role=optional(CROSS_ACCOUNT_ROLE_NAME)),
        "identity_center_region": identity_center_setting(optional(IDENTITY_CENTER_REGION)),
    }


class ActionContext:
    """The action's view of its inputs. Parameter readers return clean values or raise InvalidParameter."""

    def __init__(self, siemplify: SiemplifyAction):
        self.siemplify = siemplify
        self.logger = siemplify.LOGGER
        self.deadline = Deadline(siemplify.execution_deadline_unix_time_ms)
        self.bulk = BulkEngine(self.deadline, log=lambda line: self.logger.info(line), shown=shown)
        self._manager = None

    @property
    def manager(self):
        """Built on first use: input errors fail before boto3 is even imported."""
        if self._manager is None:
            from AWSIAMManager import AWSIAMManager

            self._manager = AWSIAMManager(**self.settings, deadline=self.deadline)
        return self._manager

    def changes_made(self) -> list[str]:
        """The IAM changes AWS confirmed in this run, in order."""
        return list(self._manager.changes_made) if self._manager is not None else []

    @cached_property
    def settings(self) -> dict:
        """The manager's keywords, from one read of the configuration."""
        return self._connection_settings()

    def require_identity_center(self) -> None:
        """An action on IAM Identity Center ends here, before any call, without the Identity Center Region."""
        if not self.settings["identity_center_region"]:
            raise InvalidParameter(IDENTITY_CENTER_REGION_MISSING)

    @property
    def target_entities(self) -> list:
        return self.siemplify.target_entities

    def entities_of(self, entity_type: str) -> list:
        """The target entities of one type, in the case's order."""
        return [entity for entity in self.target_entities if entity.entity_type == entity_type]

    def _connection_settings(self) -> dict:
        # One platform round trip for the whole configuration, not one per parameter.
        return connection_settings(self.siemplify, self.siemplify.get_configuration(INTEGRATION_IDENTIFIER) or {})

    def param(self, name: str, *, required: bool = False, default: str | None = None) -> str | None:
        """A trimmed string parameter; empty means the default."""
        raw = self.siemplify.extract_action_param(name, default_value=None, input_type=str, is_mandatory=False, print_value=False)
        value = (raw or "").strip()
        if value:
            # Logged as a message echoes it (cut and escaped), not whole as the SDK would print it.
            self.logger.info(f"{name}: {shown(value)}")
        if value:
            return value
        if required:
            raise InvalidParameter(f"Missing mandatory parameter '{name}'.")
        return default

    def name_list(self, name: str) -> list[str]:
        """A mandatory comma-separated list of names, cleaned (see split_names)."""
        names = split_names(self.param(name))
        if not names:
            raise InvalidParameter(f"'{name}' must contain at least one name.")
        return names

    def int_param(self, name: str, *, default: int, low: int = MAX_ITEMS_RANGE[0], high: int = MAX_ITEMS_RANGE[1]) -> int:
        raw = self.param(name)
        if raw is None:
            return default
        # ASCII digits only: int() would also take "1_000", "+5" and non-Latin digits. Leading
        # zeros aside, a number in range has few digits; more would make int() refuse (4,300+).
        digits = raw.lstrip("0") or "0"
        value = int(digits) if raw.isascii() and raw.isdigit() and len(digits) <= len(str(high)) else None
        if value is None or not low <= value <= high:
            raise InvalidParameter(f"'{name}' must be a whole number between {low} and {high}.")
        return value

    def bool_param(self, name: str, *, default: bool = False) -> bool:
        raw = self.param(name)
        if raw is None:
            return default
        if raw.lower() not in ("true", "false"):
            raise InvalidParameter(f"'{name}' must be true or false.")
        return raw.lower() == "true"

    def choice_param(self, name: str, choices: type[Choice], *, default: Choice) -> Choice:
        """A DDL value, matched case-insensitively against its options."""
        raw = self.param(name)
        if raw is None:
            return default
        for choice in choices:
            if choice.value.lower() == raw.lower():
                return choice
        options = ", ".join(choice.value for choice in choices)
        raise InvalidParameter(f"'{name}' must be one of: {options}.")


def run_action(spec: ActionSpec, perform: Callable[[ActionContext], ActionResult]) -> None:
    siemplify = SiemplifyAction()
    siemplify.script_name = f"{INTEGRATION_IDENTIFIER} - {spec.name}"
    ctx = None
    try:
        ctx = ActionContext(siemplify)
        result = perform(ctx)
    except DeadlineReached as err:
        # Only a run that is not a bulk run gets here: the bulk engine reports its own deadline.
        reason = deadline_reason(err, ctx.changes_made() if ctx else [])
        siemplify.LOGGER.error(f"{spec.name} failed: {reason}")
        result = ActionResult.failure(spec.failure(reason))
    except (InvalidParameter, AWSIAMError) as err:
        siemplify.LOGGER.error(f"{spec.name} failed: {err}")
        result = ActionResult.failure(spec.failure(err))
    except Exception as err:
        # A bug, not an AWS answer: keep the traceback in the log, give the analyst a plain sentence.
        siemplify.LOGGER.exception(err)
        result = ActionResult.failure(spec.failure(f"Unexpected error: {type(err).__name__}: {err}"))
    if result.enrichments:
        result = _save_enrichments(siemplify, spec, result)
    _end(siemplify, result)


def _save_enrichments(siemplify: SiemplifyAction, spec: ActionSpec, result: ActionResult) -> ActionResult:
    """Write the enrichment to the case: one UpdateEntities call for every entity, then one insight
    per entity that has one. Both go to the platform's API, which can fail like any other."""
    enrichments: list[EntityEnrichment] = list(result.enrichments)
    try:
        for enrichment in enrichments:
            entity = enrichment.entity
            entity.additional_properties = {**(entity.additional_properties or {}), **enrichment.properties}
            entity.is_enriched = True
        siemplify.update_entities([enrichment.entity for enrichment in enrichments])
        for enrichment in enrichments:
            if enrichment.insight:
                siemplify.add_entity_insight(enrichment.entity, enrichment.insight, triggered_by=INTEGRATION_IDENTIFIER)
    except Exception as err:
        siemplify.LOGGER.exception(err)
        # What AWS returned stays in the JSON result and the tables; the message says what was lost.
        reason = f"The platform did not accept the entity enrichment: {type(err).__name__}: {err}"
        return ActionResult(f"{spec.failure(reason)}\n{result.message}", success=False, failed=True,
                            json_result=result.json_result, tables=result.tables)
    return result


def _end(siemplify: SiemplifyAction, result: ActionResult) -> None:
    if result.json_result is not None:
        siemplify.result.add_result_json(result.json_result)
    for table in result.tables:
        siemplify.result.add_data_table(table.title, table.csv_lines())
    state = EXECUTION_STATE_FAILED if result.failed else EXECUTION_STATE_COMPLETED
    # A safety net under the parsers' own echoes: no hidden character reaches the case wall.
    siemplify.end(printable(result.message, keep="\n"), result.success, state)
