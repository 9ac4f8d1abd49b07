"""Enrich Identity Center User: each IAM Identity Center user among the case's User entities, with its
groups, its account assignments and whether it is contained, on the entity, in the JSON result and
in one table per user."""

import IdentityCenterParser as parser
from ActionRunner import run_action
from ContainmentModels import lookup_text
from IdentityCenterWorkflow import IdentityCenter
from SiemplifyDataModel import EntityTypes


def perform(ctx):
    ctx.require_identity_center()
    users = ctx.entities_of(EntityTypes.USER)
    # No User entity, no AWS call: a case without Identity Center users is normal.
    run = IdentityCenter(ctx.manager, ctx.bulk).enrich_users([lookup_text(entity) for entity in users]) if users else None
    return parser.enrich_result(users, run)


if __name__ == "__main__":
    run_action(parser.ENRICH_IC_USER, perform)
