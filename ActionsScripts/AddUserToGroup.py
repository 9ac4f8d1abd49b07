"""Add a User to a Group: one AddUserToGroup per user into one group; each user's outcome is reported."""

import IdentityParser as parser
from ActionRunner import run_action
from AWSIAMConstants import ADD_USER_TO_GROUP
from IdentityWorkflow import IdentityWorkflow


def perform(ctx):
    group_name = ctx.param("Group Name", required=True)  # one name, taken whole: IAM allows commas in it
    user_names = ctx.name_list("User Name")
    outcome = IdentityWorkflow(ctx.manager, ctx.bulk).add_users_to_group(group_name, user_names)
    return parser.membership_result(ADD_USER_TO_GROUP, "add", group_name, outcome)


if __name__ == "__main__":
    run_action(ADD_USER_TO_GROUP, perform)
