"""AWS-shaped users and groups for Stubber responses in the identity action tests."""

from datetime import datetime, timezone

WHEN = datetime(2020, 12, 3, 12, 12, 20, tzinfo=timezone.utc)
WHEN_ISO = "2020-12-03T12:12:20"


def aws_user(name: str, index: int = 0) -> dict:
    return {"Path": "/", "UserName": name, "UserId": f"AIDA{index:016d}", "Arn": f"arn:aws:iam::123456789012:user/{name}", "CreateDate": WHEN}


def aws_group(name: str, index: int = 0) -> dict:
    return {"Path": "/", "GroupName": name, "GroupId": f"AGPA{index:016d}", "Arn": f"arn:aws:iam::123456789012:group/{name}", "CreateDate": WHEN}


def user_json(name: str, index: int = 0) -> dict:
    return {**aws_user(name, index), "CreateDate": WHEN_ISO}


def group_json(name: str, index: int = 0) -> dict:
    return {**aws_group(name, index), "CreateDate": WHEN_ISO}


def user_names(iam) -> list[str]:
    return sorted(user["UserName"] for user in iam.list_users()["Users"])


def group_names(iam) -> list[str]:
    return sorted(group["GroupName"] for group in iam.list_groups()["Groups"])


def members(iam, group: str) -> list[str]:
    return sorted(user["UserName"] for user in iam.get_group(GroupName=group)["Users"])
