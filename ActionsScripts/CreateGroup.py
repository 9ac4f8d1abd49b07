"""Create a Group: one CreateGroup per valid name; every name is reported under exactly one outcome."""

import IdentityParser as parser
from ActionRunner import run_action
from AWSIAMConstants import CREATE_GROUP
from IdentityWorkflow import IdentityWorkflow


def perform(ctx):
    group_names = ctx.name_list("Group Name")
    return parser.created_result(CREATE_GROUP, "group", IdentityWorkflow(ctx.manager, ctx.bulk).create_groups(group_names))


if __name__ == "__main__":
    run_action(CREATE_GROUP, perform)
