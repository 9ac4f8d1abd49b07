"""Detach a Policy: the mirror of Attach a Policy. Resolve a managed policy by name (or take its
ARN) and detach it from a user, group or role; a policy that is not attached is said to be so."""

import PolicyParser as parser
from ActionRunner import run_action
from AWSIAMConstants import DETACH_POLICY
from PolicyModels import read_policy_target
from PolicyWorkflow import PolicyWorkflow


def perform(ctx):
    target = read_policy_target(ctx)
    if target.problem:
        return parser.detach_input_invalid(target)
    outcome = PolicyWorkflow(ctx.manager).detach(target.identity_type.value, target.identity, target.policy)
    return parser.detach_result(target.policy_text, target.identity_type, target.identity, outcome)


if __name__ == "__main__":
    run_action(DETACH_POLICY, perform)
