"""Create a User: one CreateUser per valid name; every name is reported under exactly one outcome."""

import IdentityParser as parser
from ActionRunner import run_action
from AWSIAMConstants import CREATE_USER
from IdentityWorkflow import IdentityWorkflow


def perform(ctx):
    user_names = ctx.name_list("User Name")
    return parser.created_result(CREATE_USER, "user", IdentityWorkflow(ctx.manager, ctx.bulk).create_users(user_names))


if __name__ == "__main__":
    run_action(CREATE_USER, perform)
