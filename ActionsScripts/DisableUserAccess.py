"""Disable User Access: an inline deny-all policy on each IAM user among the case's User entities;
with Deactivate Access Keys, also their Active access keys turned Inactive and recorded on the
user, so that Enable User Access can restore exactly those."""

import ContainmentParser as parser
from ActionRunner import run_action
from AWSIAMConstants import DISABLE_USER_ACCESS
from ContainmentWorkflow import Containment
from SiemplifyDataModel import EntityTypes
from ContainmentModels import lookup_text


def perform(ctx):
    deactivate_keys = ctx.bool_param("Deactivate Access Keys", default=False)
    users = ctx.entities_of(EntityTypes.USER)
    lookups = [lookup_text(entity) for entity in users]
    # No User entity, no AWS call: a case without IAM users is normal.
    run = Containment(ctx.manager, ctx.bulk).disable_users(lookups, deactivate_keys=deactivate_keys) if users else None
    return parser.disable_result([entity.identifier for entity in users], run)


if __name__ == "__main__":
    run_action(DISABLE_USER_ACCESS, perform)
