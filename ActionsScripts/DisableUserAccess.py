"""Disable User Access: an inline deny-all policy on each IAM user among the case's User entities."""

import DisableUserAccessParser as parser
from ActionRunner import run_action
from AWSIAMConstants import DISABLE_USER_ACCESS
from Containment import Containment
from SiemplifyDataModel import EntityTypes
from UserAccessModels import lookup_text


def perform(ctx):
    users = [entity for entity in ctx.target_entities if entity.entity_type == EntityTypes.USER]
    # No User entity, no AWS call: a case without IAM users is normal.
    run = Containment(ctx.manager, ctx.bulk).disable_users([lookup_text(entity) for entity in users]) if users else None
    return parser.disable_result([entity.identifier for entity in users], run)


if __name__ == "__main__":
    run_action(DISABLE_USER_ACCESS, perform)
