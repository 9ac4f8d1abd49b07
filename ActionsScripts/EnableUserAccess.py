"""Enable User Access: undo Disable User Access on each IAM user among the case's User entities:
the deny policy removed, exactly the recorded access keys reactivated, the record removed. In
Recover mode the recorded keys stay off and the sessions issued before containment stay dead."""

import ContainmentParser as parser
from ActionRunner import run_action
from AWSIAMConstants import ENABLE_USER_ACCESS
from ContainmentWorkflow import Containment
from SiemplifyDataModel import EntityTypes
from ContainmentModels import RestoreMode, lookup_text


def perform(ctx):
    reactivate_keys = ctx.bool_param("Reactivate Access Keys", default=True)
    mode = ctx.choice_param("Restore Mode", RestoreMode, default=RestoreMode.UNDO)
    users = ctx.entities_of(EntityTypes.USER)
    lookups = [lookup_text(entity) for entity in users]
    # No User entity, no AWS call: a case without IAM users is normal.
    run = Containment(ctx.manager, ctx.bulk).enable_users(lookups, reactivate_keys=reactivate_keys, mode=mode) if users else None
    return parser.enable_result([entity.identifier for entity in users], run, reactivate_keys=reactivate_keys)


if __name__ == "__main__":
    run_action(ENABLE_USER_ACCESS, perform)
