"""Revoke Role Sessions on the bulk engine: the IAM console's session cut-off written on each role,
one PutRolePolicy per role."""

from AWSIAMDatamodels import utc_now
from AWSIAMExceptions import AWSIAMError, ConnectionFailure, NotFound, Unmodifiable
from AWSIAMManager import AWSIAMManager
from BulkEngine import BulkEngine, BulkRun, ItemRun, Settlement, Unsettled, status_in_words
from AWSIAMPolicyDocuments import REVOKE_SESSIONS_POLICY_NAME, revoke_older_sessions_document
from RoleSessionsModels import RevokeCause, RevokeOutcome, RevokeRun, RevokeStatus, parse_role_reference, unusable_cause


class RoleSessions:
    def __init__(self, manager: AWSIAMManager, engine: BulkEngine):
        self.manager = manager
        self.engine = engine

    def revoke(self, texts: list[str]) -> RevokeRun:
        """Deny every session of each role issued before now; later sessions are untouched.
        Needs iam:PutRolePolicy; sts:GetCallerIdentity for role ARNs (unless a role was assumed).
        A connection or credential failure stops the run; every other error is the role's own."""
        # One cut-off for the whole run, in whole seconds as the console writes it: every role
        # revoked here refuses the same sessions, and the message can name the time.
        issued_before = utc_now().replace(microsecond=0)
        document = revoke_older_sessions_document(issued_before)
        run = self.engine.run(texts, lambda text: self._revoke_one(text, document), describe=status_in_words)
        outcomes = tuple(_revoke_outcome(item, run) for item in run.runs)
        return RevokeRun(issued_before, outcomes, error=run.stopped_by)

    def _revoke_one(self, text: str, document: str) -> RevokeOutcome:
        reference = parse_role_reference(text)
        if reference is None:
            return RevokeOutcome(text, RevokeStatus.NOT_FOUND, cause=unusable_cause(text))
        if reference.account and not self.manager.is_own_account(reference.partition, reference.account):
            # Same-named roles exist in many accounts; revoking ours for another's ARN would be wrong.
            return RevokeOutcome(text, RevokeStatus.NOT_FOUND, reference.name, reference.arn, cause=RevokeCause.OTHER_ACCOUNT)
        try:
            # PutRolePolicy replaces the policy of that name: running again only moves the cut-off on.
            self.manager.put_role_policy(reference.name, REVOKE_SESSIONS_POLICY_NAME, document)
        except NotFound:
            return RevokeOutcome(text, RevokeStatus.NOT_FOUND, reference.name, reference.arn, cause=RevokeCause.NO_SUCH_ROLE)
        except Unmodifiable as err:
            return RevokeOutcome(text, RevokeStatus.FAILED, reference.name, reference.arn,
                                 cause=RevokeCause.SERVICE_LINKED, error=err)
        except ConnectionFailure:
            raise
        except AWSIAMError as err:
            return RevokeOutcome(text, RevokeStatus.FAILED, reference.name, reference.arn, error=err)
        return RevokeOutcome(text, RevokeStatus.REVOKED, reference.name, reference.arn)


_CAUSE_OF_UNSETTLED = {
    Unsettled.UNANSWERED: RevokeCause.UNANSWERED,
    Unsettled.OUT_OF_TIME: RevokeCause.OUT_OF_TIME,
    Unsettled.NOT_ATTEMPTED: RevokeCause.NOT_ATTEMPTED,
}


def _revoke_outcome(item: ItemRun, run: BulkRun) -> RevokeOutcome:
    text = item.item
    if item.settlement is Settlement.SETTLED:
        return item.value
    reference = parse_role_reference(text)
    name, arn = (reference.name, reference.arn) if reference else (None, None)
    if item.settlement is Settlement.FAILED:
        return RevokeOutcome(text, RevokeStatus.FAILED, name, arn, error=item.error)
    return RevokeOutcome(text, RevokeStatus.FAILED, name, arn, cause=_CAUSE_OF_UNSETTLED[run.unsettled(item)])
