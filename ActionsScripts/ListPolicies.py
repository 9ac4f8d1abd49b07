"""List Policies: managed policies matching Scope and Only Attached, up to the requested number."""

import PolicyParser as parser
from ActionRunner import run_action
from AWSIAMConstants import LIST_POLICIES
from PolicyModels import PolicyScope


def perform(ctx):
    only_attached = ctx.bool_param("Only Attached", default=False)
    scope = ctx.choice_param("Scope", PolicyScope, default=PolicyScope.ALL)
    limit = ctx.int_param("Max Policies to Return", default=100)
    policies, more = ctx.manager.list_policies(limit, scope=scope.value, only_attached=only_attached)
    return parser.policies_listed(policies, more=more)


if __name__ == "__main__":
    run_action(LIST_POLICIES, perform)
