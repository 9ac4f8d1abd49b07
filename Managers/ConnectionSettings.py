"""Where the integration acts: the role its keys assume, the role it assumes in the other accounts
of an organization, and the region that decides the partition. Checked before any AWS call, and without boto3, so a typo costs no call; only the
region's partition needs botocore's data, and the manager looks that up."""

import re
import unicodedata

from AWSIAMConstants import CROSS_ACCOUNT_ROLE_NAME, DEFAULT_REGION, EXTERNAL_ID, REGION, ROLE_ARN
from AWSIAMExceptions import InvalidParameter

# Fixed and recognisable: CloudTrail in the target account shows every call as
# arn:{partition}:sts::{account}:assumed-role/{role}/GoogleSecOpsSOAR-AWSIAM.
ROLE_SESSION_NAME = "GoogleSecOpsSOAR-AWSIAM"

# arn:{partition}:iam::{account}:role/{path}{name}, with IAM's rules for paths and role names.
_ROLE_ARN = re.compile(
    r"^arn:(?P<partition>aws(?:-[a-z]+)*):iam::(?P<account>\d{12}):role/(?:[!-~]*/)?[\w+=,.@-]{1,64}$", re.ASCII
)
# A role's path and name, as they follow "role/" in its ARN: IAM's path characters (printable ASCII
# but "/" within a segment, 512 in all) and its role-name rule.
_ROLE_PATH_AND_NAME = re.compile(r"^(?=.{1,575}$)(?:[!-.0-~]+/){0,32}[\w+=,.@-]{1,64}$", re.ASCII)
# AssumeRole's own limits for ExternalId.
_EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$", re.ASCII)
# A value that looks like a secret access key (40 characters of base64) is never quoted back: it
# was pasted into the wrong field.
_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9/+]{40}$", re.ASCII)
# A quoted value longer than this is cut: enough to show a typo in any real role ARN's head.
QUOTE_LIMIT = 160
# What a region code can look like. A value outside it is not quoted back: it may be a key that
# was pasted into the wrong field.
_REGION_SHAPE = re.compile(r"^[a-z0-9-]{1,32}$", re.ASCII)

EXTERNAL_ID_WITHOUT_ROLE = (
    f"Configuration parameter '{EXTERNAL_ID}' is set but '{ROLE_ARN}' and '{CROSS_ACCOUNT_ROLE_NAME}' are empty. "
    f"An External ID is only used when assuming a role: set '{ROLE_ARN}' or '{CROSS_ACCOUNT_ROLE_NAME}', or clear "
    f"'{EXTERNAL_ID}'."
)
MALFORMED_CROSS_ACCOUNT_ROLE = (
    f"Configuration parameter '{CROSS_ACCOUNT_ROLE_NAME}' must be the name of a role, optionally after its path "
    "(IRRole or security/IRRole): a name of up to 64 alphanumeric characters and/or +=,.@_-, without spaces."
)
MALFORMED_ROLE_ARN = (
    f"Configuration parameter '{ROLE_ARN}' is not an IAM role ARN{{shown}}. It must look like "
    "arn:aws:iam::123456789012:role/RoleName."
)
MALFORMED_EXTERNAL_ID = (
    f"Configuration parameter '{EXTERNAL_ID}' must be 2 to 1224 characters long and contain only "
    "alphanumeric characters and/or the following: +=,.@:/-."
)
UNKNOWN_REGION = (
    f"Configuration parameter '{REGION}' is not a known AWS region{{shown}}. Enter a region code such as "
    f"us-east-1, us-gov-west-1 or cn-north-1, or leave it empty for {DEFAULT_REGION}."
)
# Identity Center lives in one region of the organization, often not the one IAM calls are signed for.
IDENTITY_CENTER_REGION = "Identity Center Region"
IDENTITY_CENTER_REGION_MISSING = (
    f"Configuration parameter '{IDENTITY_CENTER_REGION}' is empty. Set it to the region of the organization's "
    "IAM Identity Center instance, for example us-east-1, to use the Identity Center actions."
)
UNKNOWN_IDENTITY_CENTER_REGION = (
    f"Configuration parameter '{IDENTITY_CENTER_REGION}' is not a known AWS region{{shown}}. Enter the region code "
    "of the organization's IAM Identity Center instance, such as us-east-1."
)
IDENTITY_CENTER_REGION_ELSEWHERE = (
    f"Configuration parameter '{IDENTITY_CENTER_REGION}' names the region {{ic_region}}, which is not in the "
    f"{{partition}} partition of '{REGION}' ({{region}}). Both must be in the same partition."
)
ROLE_IN_OTHER_PARTITION = (
    f"Configuration parameter '{ROLE_ARN}' names a role in the {{role_partition}} partition, but the region "
    f"{{region}} is in the {{partition}} partition. Set '{REGION}' to a region of the role's partition."
)


def reach_settings(*, role_arn: str | None, external_id: str | None, region: str | None,
                   cross_account_role: str | None = None) -> dict:
    """The manager's role_arn, external_id, region and cross_account_role keywords, checked; empty
    values are None."""
    if cross_account_role:
        # "/security/IRRole" and "security/IRRole" name the same role: the ARN has one slash.
        cross_account_role = cross_account_role.lstrip("/")
        if not _ROLE_PATH_AND_NAME.match(cross_account_role):
            raise InvalidParameter(MALFORMED_CROSS_ACCOUNT_ROLE)
    if external_id and not role_arn and not cross_account_role:
        raise InvalidParameter(EXTERNAL_ID_WITHOUT_ROLE)
    if role_arn and not _ROLE_ARN.match(role_arn):
        # Quoted back, so the admin sees the typo; a secret key pasted into the wrong field is not.
        shown = "" if _SECRET_SHAPE.match(role_arn) else f": '{quoted(role_arn)}'"
        raise InvalidParameter(MALFORMED_ROLE_ARN.format(shown=shown))
    if external_id and not _EXTERNAL_ID.match(external_id):
        raise InvalidParameter(MALFORMED_EXTERNAL_ID)
    # Region codes are lower case; an upper-cased copy from a console is still meant as the same region.
    return {"role_arn": role_arn, "external_id": external_id, "region": (region or DEFAULT_REGION).lower(),
            "cross_account_role": cross_account_role or None}


def member_role_arn(partition: str, account: str, cross_account_role: str) -> str:
    """The Cross-Account Role Name's role in one account of the organization."""
    return f"arn:{partition}:iam::{account}:role/{cross_account_role}"


def quoted(value: str) -> str:
    """A configuration value as a message quotes it: control and formatting characters (NUL, ESC,
    the right-to-left override) and lone surrogates escaped, and cut after QUOTE_LIMIT characters."""
    cut = value[:QUOTE_LIMIT]
    text = "".join(ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in ("Cc", "Cf", "Cs") else ch
                   for ch in cut)
    return text if len(value) <= QUOTE_LIMIT else f"{text}... ({len(value)} characters)"


def identity_center_setting(region: str | None) -> str | None:
    """The Identity Center Region as the manager takes it: lower case, or None when empty."""
    return region.lower() if region else None


def unknown_identity_center_region(region: str) -> InvalidParameter:
    shown = f": '{region}'" if _REGION_SHAPE.match(region) else ""
    return InvalidParameter(UNKNOWN_IDENTITY_CENTER_REGION.format(shown=shown))


def identity_center_region_elsewhere(ic_region: str, region: str, partition: str) -> InvalidParameter:
    return InvalidParameter(IDENTITY_CENTER_REGION_ELSEWHERE.format(ic_region=ic_region, region=region,
                                                                    partition=partition))


def role_partition(role_arn: str) -> str:
    """The partition of a role ARN that reach_settings accepted."""
    return _ROLE_ARN.match(role_arn)["partition"]


def unknown_region(region: str) -> InvalidParameter:
    shown = f": '{region}'" if _REGION_SHAPE.match(region) else ""
    return InvalidParameter(UNKNOWN_REGION.format(shown=shown))


def role_in_other_partition(role_arn: str, region: str, partition: str) -> InvalidParameter:
    return InvalidParameter(
        ROLE_IN_OTHER_PARTITION.format(role_partition=role_partition(role_arn), region=region, partition=partition)
    )
