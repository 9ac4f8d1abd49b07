"""A user cut short is reported with what was done to them, even when the engine never hears back
from their worker: Containment keeps each user's progress aside as it happens. A fake manager
stands in for IAM, so a call can hang past the deadline."""

import threading

import ContainmentParser
from AWSIAMDatamodels import CallerIdentity, User
from BulkEngine import BulkEngine, Deadline
from ContainmentWorkflow import Containment
from EnrichmentModels import AccessKey

KEY = "AKIAIOSFODNN7EXAMPLE"


class HangingManager:
    """Answers at once, except `hang_on`, which waits until released (long after the deadline)."""

    def __init__(self, hang_on: str, *, key_status: str, tags=None):
        self.hang_on = hang_on
        self.key_status = key_status
        self.release = threading.Event()
        self.tags = tags or {}
        self.calls = []
        self.now = 0.0  # the engine's clock: virtual, so no load on the machine moves the deadline

    def _call(self, operation):
        self.calls.append(operation)
        if operation == self.hang_on:
            self.now = 60.0  # the deadline passes while this call waits for its answer
            self.release.wait(30)

    partition = "aws"

    def caller(self):
        return CallerIdentity("123456789012", "arn:aws:iam::123456789012:user/soar")

    def get_user(self, user):
        return User({"UserName": user, "UserId": "AIDAEXAMPLEEXAMPLE123", "Path": "/",
                     "Arn": f"arn:aws:iam::123456789012:user/{user}"})

    def put_user_policy(self, *args):
        self._call("PutUserPolicy")

    def delete_user_policy(self, *args):
        self._call("DeleteUserPolicy")

    def list_access_keys(self, user):
        self._call("ListAccessKeys")
        return [AccessKey({"UserName": user, "AccessKeyId": KEY, "Status": self.key_status})]

    def list_user_tags(self, user):
        self._call("ListUserTags")
        return self.tags

    def tag_user(self, *args):
        self._call("TagUser")

    def untag_user(self, *args):
        self._call("UntagUser")

    def update_access_key(self, *args, active):
        self._call("UpdateAccessKey")


def engine(manager: HangingManager):
    """A deadline 10 virtual seconds away, which passes when the manager's hanging call starts."""
    return BulkEngine(Deadline(10_000, margin=0, clock=lambda: manager.now))


def test_disable_a_user_whose_key_update_never_answers_is_reported_with_the_deny_and_the_record():
    manager = HangingManager("UpdateAccessKey", key_status="Active")
    run = Containment(manager, engine(manager)).disable_users(["bob"], deactivate_keys=True)
    manager.release.set()
    result = ContainmentParser.disable_result(["BOB"], run)
    assert manager.calls == ["ListUserTags", "PutUserPolicy", "ListAccessKeys", "TagUser", "UpdateAccessKey"]
    assert result.message.split("\n")[1:] == [
        "Added deny policy to the following users in AWS IAM, but could not deactivate all of their access keys: bob"]
    assert result.json_result[0]["EntityResult"]["Reason"] == (
        "The deny policy was added, but not every Active access key was deactivated: a call got no answer before the "
        f"platform's deadline: check the user's access keys in AWS. The AWSIAM-Containment tag also lists {KEY}, which "
        "may still be Active; Enable User Access only reactivates recorded keys that are Inactive.")
    assert result.failed


def test_enable_a_user_whose_key_update_never_answers_is_reported_with_the_deny_removed():
    manager = HangingManager("UpdateAccessKey", key_status="Inactive", tags={"AWSIAM-Containment": f"keys={KEY} at=2026-11-29T10:00:00Z"})
    run = Containment(manager, engine(manager)).enable_users(["bob"])
    manager.release.set()
    result = ContainmentParser.enable_result(["BOB"], run, reactivate_keys=True)
    entity = result.json_result[0]["EntityResult"]
    assert (entity["Status"], entity["DenyPolicyRemoved"], entity["RecordedKeys"]) == ("failed", True, [KEY])
    assert entity["Reason"] == ("A call got no answer before the platform's deadline: check the user in AWS. The deny "
                                "policy was removed; running the action again finishes the restore.")
