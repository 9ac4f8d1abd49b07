"""Enrich User: what each IAM user among the case's User entities holds, on the entity, in the
JSON result and tables, with an insight for each user that has a risk finding."""

from datetime import datetime, timezone

import EnrichmentParser as parser
from ActionRunner import run_action
from AWSIAMConstants import ENRICH_USER
from EnrichmentWorkflow import Enrichment
from SiemplifyDataModel import EntityTypes
from ContainmentModels import lookup_text


def perform(ctx):
    users = ctx.entities_of(EntityTypes.USER)
    # No User entity, no AWS call: a case without IAM users is normal.
    run = Enrichment(ctx.manager, ctx.bulk).enrich_users([lookup_text(entity) for entity in users]) if users else None
    return parser.enrich_result(users, run, now=datetime.now(timezone.utc))


if __name__ == "__main__":
    run_action(ENRICH_USER, perform)
