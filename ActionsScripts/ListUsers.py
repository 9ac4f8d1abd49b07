"""List Users: up to 'Max Users to Return' users, 1000 per IAM call."""

import IdentityParser as parser
from ActionRunner import run_action
from AWSIAMConstants import LIST_USERS

DEFAULT_MAX = 50


def perform(ctx):
    limit = ctx.int_param("Max Users to Return", default=DEFAULT_MAX)
    users, _more = ctx.manager.list_users(limit)
    return parser.listed_result("user", users)


if __name__ == "__main__":
    run_action(LIST_USERS, perform)
