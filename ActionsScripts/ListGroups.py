"""List Groups: up to 'Max Groups to Return' groups, 1000 per IAM call."""

import IdentityParser as parser
from ActionRunner import run_action
from AWSIAMConstants import LIST_GROUPS

DEFAULT_MAX = 50


def perform(ctx):
    limit = ctx.int_param("Max Groups to Return", default=DEFAULT_MAX)
    groups, _more = ctx.manager.list_groups(limit)
    return parser.listed_result("group", groups)


if __name__ == "__main__":
    run_action(LIST_GROUPS, perform)
