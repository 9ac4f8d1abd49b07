"""Revoke Role Sessions: the IAM console's "Revoke active sessions" on each role named or given by
ARN: sessions issued before now are denied everything; sessions issued later are not affected."""

import RoleSessionsParser as parser
from ActionRunner import run_action
from AWSIAMConstants import REVOKE_ROLE_SESSIONS
from RoleSessionsWorkflow import RoleSessions


def perform(ctx):
    roles = ctx.name_list("Role Name")
    return parser.revoke_result(RoleSessions(ctx.manager, ctx.bulk).revoke(roles))


if __name__ == "__main__":
    run_action(REVOKE_ROLE_SESSIONS, perform)
