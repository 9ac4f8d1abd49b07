"""Attach a Policy: resolve a managed policy by name (or take its ARN) and attach it to a user,
group or role."""

import PolicyParser as parser
from ActionRunner import run_action
from AWSIAMConstants import ATTACH_POLICY
from PolicyModels import IdentityType, check_policy_target
from PolicyResolution import PolicyResolution


def perform(ctx):
    identity_type = ctx.choice_param("Identity Type", IdentityType, default=IdentityType.GROUP)
    identity, policy = ctx.param("Identity Name", required=True), ctx.param("Policy Name", required=True)
    target = check_policy_target(identity_type, identity, policy)
    if target.problem:
        return parser.attach_input_invalid(target)
    outcome = PolicyResolution(ctx.manager).attach(identity_type.value, target.identity, target.policy)
    return parser.attach_result(target.policy_text, identity_type, target.identity, outcome)


if __name__ == "__main__":
    run_action(ATTACH_POLICY, perform)
