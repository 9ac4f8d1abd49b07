"""What the text of a User entity names, read with no AWS call: every form of the contract's table,
and each bad input as its own reason."""

import pytest

from PrincipalsModels import Missing, Principal, Reference, ResolvedFrom, parse_principal

NAME, ARN, KEY, USER_ID, ROLE = (ResolvedFrom.NAME, ResolvedFrom.ARN, ResolvedFrom.ACCESS_KEY, ResolvedFrom.USER_ID,
                                 ResolvedFrom.ROLE)


@pytest.mark.parametrize("text, expected", [
    ("john.doe", Reference(NAME, name="john.doe")),
    ("JOHN+ADMIN@CORP.COM", Reference(NAME, name="JOHN+ADMIN@CORP.COM")),
    ("arn:aws:iam::123456789012:user/alice", Reference(ARN, name="alice", account="123456789012", path="/")),
    ("arn:aws:iam::123456789012:user/eng/ops/Mary", Reference(ARN, name="Mary", account="123456789012", path="/eng/ops/")),
    ("ARN:AWS:IAM::123456789012:USER/DEV/ALICE", Reference(ARN, name="ALICE", account="123456789012", path="/DEV/")),
    ("AKIAIOSFODNN7EXAMPLE", Reference(KEY, key_id="AKIAIOSFODNN7EXAMPLE")),
    ("ASIAIOSFODNN7EXAMPLE", Reference(KEY, key_id="ASIAIOSFODNN7EXAMPLE", temporary=True)),
    ("AIDACKCEVSQ6C2EXAMPLE", Reference(USER_ID, unique_id="AIDACKCEVSQ6C2EXAMPLE")),
    ("AROADBQP57FF2AEXAMPLE", Reference(ROLE, unique_id="AROADBQP57FF2AEXAMPLE")),
    ("AROADBQP57FF2AEXAMPLE:botocore-session-1700000000", Reference(ROLE, unique_id="AROADBQP57FF2AEXAMPLE")),
    ("arn:aws:iam::111122223333:role/service/ci-deploy", Reference(ROLE, name="ci-deploy", account="111122223333")),
    ("arn:aws:sts::111122223333:assumed-role/ci-deploy/i-0abc", Reference(ROLE, name="ci-deploy", account="111122223333")),
], ids=["name", "email-like-name", "arn", "arn-with-path", "upper-cased-arn", "access-key", "temporary-key", "user-id",
        "role-id", "role-session-id", "role-arn", "assumed-role-arn"])
def test_every_form_of_the_table_is_read_from_the_text(text, expected):
    assert parse_principal(text, "aws") == expected


@pytest.mark.parametrize("text, missing", [
    ("AKIAIOSFODNN7EXAMPL", Missing.KEY_LENGTH),
    ("ASIAIOSFODNN7EXAMPLEX", Missing.KEY_LENGTH),
    ("arn:aws-cn:iam::123456789012:user/alice", Missing.OTHER_PARTITION),
    ("arn:aws-us-gov:sts::123456789012:assumed-role/r/s", Missing.OTHER_PARTITION),
    ("arn:aws:iam::12345678901:user/alice", Missing.ACCOUNT_ID),
    ("arn:aws:iam::1234567890123:user/alice", Missing.ACCOUNT_ID),
    ("arn:aws:iam::12345678901a:role/r", Missing.ACCOUNT_ID),
    ("arn:aws:iam::123456789012:user/bad name", Missing.NOT_A_USER_NAME),
    ("arn:aws:iam::123456789012:group/admins", Missing.NOT_A_USER_NAME),
    ("arn:aws:sts::123456789012:federated-user/bob", Missing.NOT_A_USER_NAME),
    ("arn:aws:iam::123456789012:user/" + "a" * 65, Missing.NAME_TOO_LONG),
    ("a" * 65, Missing.NAME_TOO_LONG),
    ("CORP\\john", Missing.NOT_A_USER_NAME),
    ("", Missing.NOT_A_USER_NAME),
], ids=["key-too-short", "key-too-long", "china-arn", "gov-session", "account-11-digits", "account-13-digits",
        "account-with-letter", "bad-name", "group-arn", "federated-user", "arn-name-too-long", "name-too-long",
        "domain-account", "empty"])
def test_bad_input_is_its_own_reason(text, missing):
    assert parse_principal(text, "aws") is missing


def test_a_short_upper_case_word_stays_a_name():
    # AWS issues 20-character key IDs, and allows no fewer than 16: ASIAPAC is a team's user name.
    assert parse_principal("ASIAPAC", "aws") == Reference(NAME, name="ASIAPAC")


def test_the_principal_json_has_the_key_only_for_keys_and_the_role_only_for_roles():
    assert Principal("123456789012", NAME).to_json() == {"Account": "123456789012", "ResolvedFrom": "name"}
    assert Principal("123456789012", KEY, "AKIAIOSFODNN7EXAMPLE").to_json() == {
        "Account": "123456789012", "ResolvedFrom": "access_key", "AccessKeyId": "AKIAIOSFODNN7EXAMPLE"}
    assert Principal("111122223333", ROLE, role_name="ci-deploy").to_json() == {
        "Account": "111122223333", "ResolvedFrom": "role", "PrincipalType": "role", "RoleName": "ci-deploy"}
