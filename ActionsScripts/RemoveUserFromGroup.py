"""Remove a User from a Group: one RemoveUserFromGroup per user; each user's outcome is reported."""

import IdentityParser as parser
from ActionRunner import run_action
from AWSIAMConstants import REMOVE_USER_FROM_GROUP
from IdentityWorkflow import IdentityWorkflow


def perform(ctx):
    group_name = ctx.param("Group Name", required=True)  # one name, taken whole: IAM allows commas in it
    user_names = ctx.name_list("User Name")
    outcome = IdentityWorkflow(ctx.manager, ctx.bulk).remove_users_from_group(group_name, user_names)
    return parser.membership_result(REMOVE_USER_FROM_GROUP, "remove", group_name, outcome)


if __name__ == "__main__":
    run_action(REMOVE_USER_FROM_GROUP, perform)
