"""List Identity Risks: the eight identity-risk rules on the account's credential report and AWS's
quarantine policies, most severe first; limited to the case's User entities when it has any."""

import IdentityRisksParser as parser
from ActionRunner import run_action
from AWSIAMConstants import LIST_IDENTITY_RISKS
from AWSIAMDatamodels import utc_now
from AWSIAMExceptions import AWSIAMError
from ContainmentModels import lookup_text
from IdentityRisksModels import MAX_DAYS, Severity, Thresholds, selected
from IdentityRisksWorkflow import IdentityRisks
from SiemplifyDataModel import EntityTypes

DEFAULT_DAYS = 90
DEFAULT_MAX = 100


def perform(ctx):
    # Every parameter is checked before the first AWS call.
    thresholds = Thresholds(ctx.int_param("Max Key Age Days", default=DEFAULT_DAYS, high=MAX_DAYS),
                            ctx.int_param("Max Unused Days", default=DEFAULT_DAYS, high=MAX_DAYS))
    minimum = ctx.choice_param("Minimum Severity", Severity, default=Severity.LOW)
    limit = ctx.int_param("Max Findings To Return", default=DEFAULT_MAX)
    users = [lookup_text(entity) for entity in ctx.entities_of(EntityTypes.USER)] or None
    try:
        assessment = IdentityRisks(ctx.manager, ctx.deadline).assess(thresholds, utc_now())
    except AWSIAMError as err:
        return parser.list_failure(err)
    return parser.list_result(selected(assessment, minimum, users), minimum=minimum, limit=limit, users=users)


if __name__ == "__main__":
    run_action(LIST_IDENTITY_RISKS, perform)
