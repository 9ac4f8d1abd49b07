"""Attach a Policy: resolve a managed policy by name (or take its ARN) and attach it to a user,
group or role."""

import PolicyParser as parser
from ActionRunner import run_action
from AWSIAMConstants import ATTACH_POLICY
from PolicyModels import read_policy_target
from PolicyWorkflow import PolicyWorkflow


def perform(ctx):
    target = read_policy_target(ctx)
    if target.problem:
        return parser.attach_input_invalid(target)
    outcome = PolicyWorkflow(ctx.manager).attach(target.identity_type.value, target.identity, target.policy)
    return parser.attach_result(target.policy_text, target.identity_type, target.identity, outcome)


if __name__ == "__main__":
    run_action(ATTACH_POLICY, perform)
