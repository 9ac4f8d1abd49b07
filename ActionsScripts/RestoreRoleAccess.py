"""Restore Role Access: take off each role named in Role Name or by the case's User entities exactly
what Revoke Role Sessions put there, or lift the deny on one named session."""

import RoleSessionsParser as parser
from ActionRunner import run_action
from AWSIAMConstants import RESTORE_ROLE_ACCESS
from ContainmentModels import lookup_text
from InputValidation import split_names
from RoleSessionsModels import role_inputs
from RoleSessionsWorkflow import RoleSessions
from SiemplifyDataModel import EntityTypes


def perform(ctx):
    names = split_names(ctx.param("Role Name"))
    session = parser.session_name(ctx.param("Session Name"))
    inputs = role_inputs(names, ctx.entities_of(EntityTypes.USER), lookup_text)
    # Nothing named, no AWS call.
    run = RoleSessions(ctx.manager, ctx.bulk).restore(inputs, session=session) if inputs else None
    return parser.restore_result(run) if run else parser.nothing_named()


if __name__ == "__main__":
    run_action(RESTORE_ROLE_ACCESS, perform)
