"""Names and limits shared by several actions. A value used by one action stays with that action."""

import re
from dataclasses import dataclass

INTEGRATION_IDENTIFIER = "AWSIAM"

# Configuration parameter names: they must match Integration-AWSIAM.def.
ACCESS_KEY_ID = "AWS Access Key ID"
SECRET_KEY = "AWS Secret Key"
VERIFY_SSL = "Verify SSL"
ROLE_ARN = "Role ARN"
EXTERNAL_ID = "External ID"
REGION = "Region"
CROSS_ACCOUNT_ROLE_NAME = "Cross-Account Role Name"

# IAM is global, but botocore raises NoRegionError for IAM once an endpoint override is set and
# no region is known, so the client always gets one.
DEFAULT_REGION = "us-east-1"

# Client behaviour. A closed port must fail well under 10 s; a slow but live IAM gets its answer.
CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 30
# Attempts per call in all, the first try included (botocore's total_max_attempts). Throttling
# is waited out rather than reported, so there are enough attempts for a busy account; the
# deadline still ends the retries in time.
MAX_ATTEMPTS = 10
# Retry delay: a random share of min(base * 2^(retry - 1), max). Short, because a bulk run's
# workers each back off on their own and so thin out the account's request rate together.
RETRY_BASE_SECONDS = 0.05
RETRY_MAX_DELAY_SECONDS = 1.0
# No attempt, first try or retry, starts with less time than this left before the deadline to get
# its answer: it would most likely end unanswered, leaving the analyst to check AWS by hand.
SHORTEST_ATTEMPT_SECONDS = 0.5


def is_change(operation: str) -> bool:
    """Whether an IAM or STS operation can change anything in AWS: every one but the reads
    (Get*, List*) and STS, whose AssumeRole and GetCallerIdentity change nothing in IAM."""
    return not operation.startswith(("Get", "List", "AssumeRole"))


# IAM's own page limit; without it IAM pages by 100.
PAGE_SIZE = 1000

# AWS's rules for user, group, role and policy names.
NAME_PATTERN = re.compile(r"^[\w+=,.@-]+$", re.ASCII)
ALLOWED_NAME_CHARACTERS = "+=,.@_-"
MAX_NAME_LENGTH = {"user": 64, "role": 64, "group": 128, "policy": 128}

MAX_ITEMS_RANGE = (1, 1000)


@dataclass(frozen=True)
class ActionSpec:
    """An action's display name and the sentence it fails with."""

    name: str
    failure_template: str = "Error executing action '{action}'. Reason: {reason}"

    def failure(self, reason: object) -> str:
        return self.failure_template.format(action=self.name, reason=reason)


CREATE_USER = ActionSpec("Create a User")
CREATE_GROUP = ActionSpec("Create a Group")
ADD_USER_TO_GROUP = ActionSpec("Add a User to a Group")
REMOVE_USER_FROM_GROUP = ActionSpec("Remove a User from a Group")
LIST_USERS = ActionSpec("List Users")
LIST_GROUPS = ActionSpec("List Groups")
LIST_POLICIES = ActionSpec("List Policies")
CREATE_POLICY = ActionSpec("Create a Policy")
ATTACH_POLICY = ActionSpec("Attach a Policy")
DETACH_POLICY = ActionSpec("Detach a Policy")
# The spec quotes this one action's name with double quotes.
DISABLE_USER_ACCESS = ActionSpec("Disable User Access", 'Error executing action "{action}". Reason: {reason}')
ENRICH_USER = ActionSpec("Enrich User")
ENABLE_USER_ACCESS = ActionSpec("Enable User Access")
REVOKE_ROLE_SESSIONS = ActionSpec("Revoke Role Sessions")
LIST_IDENTITY_RISKS = ActionSpec("List Identity Risks")
RESTORE_ROLE_ACCESS = ActionSpec("Restore Role Access")
