"""Attach a Policy: resolve a managed policy by name (or take its ARN) and attach it to a user,
group or role."""

import PolicyParser as parser
from ActionRunner import run_action
from AWSIAMConstants import ATTACH_POLICY
from InputValidation import is_valid_name
from PolicyModels import IdentityType, parse_policy_reference


def perform(ctx):
    identity_type = ctx.choice_param("Identity Type", IdentityType, default=IdentityType.GROUP)
    identity = ctx.param("Identity Name", required=True)
    policy_text = ctx.param("Policy Name", required=True)
    policy = parse_policy_reference(policy_text)
    if policy is None or not is_valid_name(identity, identity_type.kind):
        arn_given = policy is None and policy_text.startswith("arn:")
        return parser.attach_input_invalid(policy_text, identity_type, identity, arn=arn_given)
    outcome = ctx.manager.attach_managed_policy(identity_type.value, identity, policy)
    return parser.attach_result(policy_text, identity_type, identity, outcome)


if __name__ == "__main__":
    run_action(ATTACH_POLICY, perform)
