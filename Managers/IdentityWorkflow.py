"""Create a User, Create a Group, Add a User to a Group and Remove a User from a Group: one call
per name on the bulk engine, each name settled under exactly one ItemStatus."""

import math
import re
from datetime import datetime

from AWSIAMDatamodels import IAMObject
from AWSIAMExceptions import AlreadyExists, AWSIAMError, InvalidInput, LimitExceeded, NotFound, confirm
from AWSIAMManager import AWSIAMManager
from BulkEngine import BulkEngine, ItemRun, Once, Settlement
from IdentityModels import BulkOutcome, ItemStatus
from InputValidation import NameProblem, name_problem

S = ItemStatus

# Error types a create call settles a name with; any other error stops the run.
_CREATE_STATUS_BY_ERROR = {InvalidInput: S.INVALID, AlreadyExists: S.EXISTS, LimitExceeded: S.LIMIT}

# IAM's message for a missing user: "The user with name X cannot be found."
_USER_NOT_FOUND = re.compile(r"\buser with name \S+ cannot be found", re.IGNORECASE)

_PROGRESS = {
    "create": {S.DONE: "created", S.EXISTS: "already exists", S.INVALID: "invalid", S.LIMIT: "over the limit",
               S.UNCONFIRMED: "unconfirmed"},
    "add": {S.DONE: "added", S.USER_MISSING: "user not found", S.GROUP_MISSING: "group not found",
            S.LIMIT: "over the limit", S.INVALID: "invalid", S.UNCONFIRMED: "unconfirmed"},
    "remove": {S.DONE: "removed", S.USER_MISSING: "user not found", S.GROUP_MISSING: "group not found",
               S.NOT_MEMBER: "not a member", S.LIMIT: "over the limit", S.INVALID: "invalid",
               S.UNCONFIRMED: "unconfirmed"},
}


class IdentityWorkflow:
    def __init__(self, manager: AWSIAMManager, engine: BulkEngine):
        self.manager = manager
        self.engine = engine

    # --- Create -----------------------------------------------------------------------------

    def create_users(self, user_names: list[str]) -> BulkOutcome:
        """One CreateUser per valid name; names failing the local check cost no call. A retried
        create that failed after a lost answer (EntityAlreadyExists, or throttled or refused to the end)
        costs one GetUser. Needs iam:CreateUser, iam:GetUser."""
        return self._create_each(user_names, "user", self.manager.create_user, self.manager.get_user)

    def create_groups(self, group_names: list[str]) -> BulkOutcome:
        """One CreateGroup per valid name; names failing the local check cost no call. A retried
        create that failed after a lost answer (EntityAlreadyExists, or throttled or refused to the end)
        costs one GetGroup. Needs iam:CreateGroup, iam:GetGroup."""
        return self._create_each(group_names, "group", self.manager.create_group, self.manager.get_group)

    def _create_each(self, names: list[str], kind: str, create, read) -> BulkOutcome:
        outcome = BulkOutcome()
        valid = _set_aside_invalid(outcome, names, kind)

        def create_one(name: str):
            try:
                return S.DONE, create(name)
            except AlreadyExists as err:
                # An earlier attempt whose answer was lost may have made it: then it is ours.
                if not err.maybe_applied:
                    return S.EXISTS
                error = err
            except (InvalidInput, LimitExceeded) as err:
                # Keep going after LimitExceeded: a later name may already exist, and each name
                # gets IAM's real answer.
                return _CREATE_STATUS_BY_ERROR[type(err)]
            except AWSIAMError as err:
                error = err
            # Outside the except blocks, so a failing read is not chained to the create's error.
            return self._confirm_created(name, error, read)

        outcome.absorb(self.engine.run(valid, create_one, describe=_describe("create")))
        return outcome

    def _confirm_created(self, name: str, error: AWSIAMError, read):
        """A create that failed after an attempt that may have taken effect: one read says whether
        the object is there now, and whether this run made it. Without that read, the name is
        unconfirmed; an error that cannot hide a create is raised, as before."""
        found = []

        def exists() -> bool:
            try:
                found.append(read(name))
            except NotFound:
                return False
            return True

        try:
            confirmed = confirm(error, exists)
        except AlreadyExists:
            return S.EXISTS  # IAM said so, and the read found nothing of this run's
        if not confirmed:
            return S.UNCONFIRMED
        made = self._made_by_this_run(found[0])
        return (S.DONE, made) if made is not None else S.EXISTS

    def _made_by_this_run(self, item: IAMObject) -> IAMObject | None:
        """The object, if IAM dates its creation after this run began. CreateDate has whole
        seconds, so the start is rounded down to match."""
        created = item.raw.get("CreateDate")
        started = math.floor(self.engine.started_at)
        return item if isinstance(created, datetime) and created.timestamp() >= started else None

    # --- Membership -------------------------------------------------------------------------

    def add_users_to_group(self, group_name: str, user_names: list[str]) -> BulkOutcome:
        """One AddUserToGroup per valid user, plus at most one GetGroup per run.
        Needs iam:AddUserToGroup, iam:GetGroup, and iam:ListGroupsForUser to confirm a lost answer."""
        return self._change_membership(group_name, user_names, self.manager.add_user_to_group, removing=False)

    def remove_users_from_group(self, group_name: str, user_names: list[str]) -> BulkOutcome:
        """One RemoveUserFromGroup per valid user, plus at most one GetGroup per run.
        Needs iam:RemoveUserFromGroup, iam:GetGroup, and iam:ListGroupsForUser to confirm a lost answer."""
        return self._change_membership(group_name, user_names, self.manager.remove_user_from_group, removing=True)

    def _change_membership(self, group_name: str, user_names: list[str], change, *, removing: bool) -> BulkOutcome:
        outcome = BulkOutcome()
        valid = _set_aside_invalid(outcome, user_names, "user")
        problem = name_problem(group_name, "group")
        if problem is not None:
            outcome.add(S.GROUP_TOO_LONG if problem is NameProblem.TOO_LONG else S.GROUP_INVALID, *valid)
            return outcome
        # The run's one extra call, made only once a NoSuchEntity needs explaining.
        group_exists = Once(lambda: self._group_exists(group_name))
        group_missing = [False]

        def change_one(user: str) -> ItemStatus:
            if group_missing[0]:
                # IAM would refuse every remaining user the same way: no point asking again.
                return S.GROUP_MISSING
            status = self._membership_status(change, group_name, user, group_exists, removing=removing)
            group_missing[0] = group_missing[0] or status is S.GROUP_MISSING
            return status

        action = "remove" if removing else "add"
        outcome.absorb(self.engine.run(valid, change_one, describe=_describe(action)))
        return outcome

    def _membership_status(self, change, group_name: str, user: str, group_exists: Once, *, removing: bool) -> ItemStatus:
        """What one AddUserToGroup/RemoveUserFromGroup call came to.

        NoSuchEntity does not say which entity is missing, so:
        - IAM's message for a missing user is "The user with name X cannot be found." For
          RemoveUserFromGroup IAM checks the user before the group, so a missing user is named
          even when the group is missing too. That text settles it, no call.
        - Otherwise one GetGroup per run (shared by the threads) tells whether the group is missing.
        - If the group exists, a remove failed because the user is not a member: moto says
          "User X not in group Y"; IAM documents no separate error code for it.
        A remove retried after a lost answer and then told "not found" did its work on the attempt
        whose answer was lost. Any other error after an attempt that may have taken effect costs
        one ListGroupsForUser to confirm (see _confirm_membership).
        """
        failed = None
        try:
            change(group_name, user)
            return S.DONE
        except LimitExceeded:
            return S.LIMIT
        except InvalidInput:
            return S.INVALID
        except NotFound as err:
            missing = err
        except AWSIAMError as err:
            failed = err
        if failed is not None:
            # Outside the except block, so a failing read is not chained to the change's error.
            return self._confirm_membership(failed, group_name, user, removing=removing)
        if removing and missing.maybe_applied:
            return S.DONE
        # Outside the except block, so a failing GetGroup is not chained to the NoSuchEntity.
        if _USER_NOT_FOUND.search(missing.aws_message):
            return S.USER_MISSING
        if not group_exists.get():
            return S.GROUP_MISSING
        return S.NOT_MEMBER if removing else S.USER_MISSING

    def _confirm_membership(self, error: AWSIAMError, group_name: str, user: str, *, removing: bool) -> ItemStatus:
        """A change that failed after an attempt that may have taken effect: the user's groups say
        whether it did (one ListGroupsForUser); without that read, the user is unconfirmed."""

        def took_effect() -> bool:
            groups = {group.name.lower() for group in self.manager.list_groups_for_user(user)}
            return (group_name.lower() in groups) != removing

        return S.DONE if confirm(error, took_effect) else S.UNCONFIRMED

    def _group_exists(self, group_name: str) -> bool:
        try:
            self.manager.get_group(group_name)
        except NotFound:
            return False
        return True


def _describe(action: str):
    words = _PROGRESS[action]

    def describe(run: ItemRun) -> str:
        if run.settlement is Settlement.SETTLED:
            status = run.value[0] if isinstance(run.value, tuple) else run.value
            return words[status]
        return run.settlement.value.replace("_", " ")

    return describe


_STATUS_BY_PROBLEM = {NameProblem.TOO_LONG: S.TOO_LONG, NameProblem.CHARACTERS: S.INVALID}


def _set_aside_invalid(outcome: BulkOutcome, names: list[str], kind: str) -> list[str]:
    """Record the names that break AWS's naming rule; return the others, in order."""
    valid = []
    for name in names:
        problem = name_problem(name, kind)
        if problem is None:
            valid.append(name)
        else:
            outcome.add(_STATUS_BY_PROBLEM[problem], name)
    return valid
