"""Create a Policy: one customer-managed policy, checked locally before the single CreatePolicy."""

import PolicyParser as parser
from ActionRunner import run_action
from AWSIAMConstants import CREATE_POLICY
from AWSIAMExceptions import MalformedPolicy
from InputValidation import is_valid_name
from AWSIAMPolicyDocuments import InvalidDescription, MalformedDocument, check_description, check_policy_document
from PolicyWorkflow import PolicyWorkflow


def perform(ctx):
    name = ctx.param("Policy Name", required=True)
    description = ctx.param("Description")
    if not is_valid_name(name, "policy"):
        return parser.policy_name_invalid(name)
    try:
        document = check_policy_document(ctx.param("Policy Document"))
        description = check_description(description)
        outcome = PolicyWorkflow(ctx.manager).create(name, document, description, started_at=ctx.bulk.started_at)
    except (MalformedDocument, InvalidDescription, MalformedPolicy) as err:
        return parser.policy_not_created(name, err)
    return parser.create_result(name, outcome, description)


if __name__ == "__main__":
    run_action(CREATE_POLICY, perform)
