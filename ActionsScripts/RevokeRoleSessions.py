"""Revoke Role Sessions: deny the live sessions of each role named in Role Name or by the case's User
entities: every session issued before now (the IAM console's "Revoke active sessions"), or only the
named session; optionally refuse new sessions in the role's trust policy."""

import RoleSessionsParser as parser
from ActionRunner import run_action
from AWSIAMConstants import REVOKE_ROLE_SESSIONS
from ContainmentModels import lookup_text
from InputValidation import split_names
from RoleSessionsModels import RevokeScope, role_inputs
from RoleSessionsWorkflow import RoleSessions
from SiemplifyDataModel import EntityTypes


def perform(ctx):
    names = split_names(ctx.param("Role Name"))
    scope = ctx.choice_param("Scope", RevokeScope, default=RevokeScope.ALL)
    block = ctx.bool_param("Block New Sessions", default=False)
    inputs = role_inputs(names, ctx.entities_of(EntityTypes.USER), lookup_text)
    # Nothing named, no AWS call.
    run = RoleSessions(ctx.manager, ctx.bulk).revoke(inputs, scope=scope, block=block) if inputs else None
    return parser.revoke_result(run) if run else parser.nothing_named()


if __name__ == "__main__":
    run_action(REVOKE_ROLE_SESSIONS, perform)
