"""Disable Identity Center User Access: each IAM Identity Center user among the case's User entities is
denied everything, in every account, through the AWSIAMContainment statement of every permission set
it reaches."""

import IdentityCenterParser as parser
from ActionRunner import run_action
from ContainmentModels import lookup_text
from IdentityCenterWorkflow import IdentityCenter
from SiemplifyDataModel import EntityTypes


def perform(ctx):
    ctx.require_identity_center()
    users = ctx.entities_of(EntityTypes.USER)
    # No User entity, no AWS call: a case without Identity Center users is normal.
    run = IdentityCenter(ctx.manager, ctx.bulk).disable_users([lookup_text(entity) for entity in users]) if users else None
    return parser.disable_result([entity.identifier for entity in users], run)


if __name__ == "__main__":
    run_action(parser.DISABLE_IC_USER_ACCESS, perform)
