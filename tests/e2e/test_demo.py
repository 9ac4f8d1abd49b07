"""`make demo` from a clean process: every step as expected, the access change proven, nothing left running."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_tells_the_whole_story_and_exits_cleanly():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    # No bound on its wall time beyond the timeout: the demo prints its own time, and a busy
    # machine takes several times as long as an idle one.
    proc = subprocess.run([sys.executable, str(ROOT / "devtools" / "demo.py")], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=600)

    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    for action in ("Ping", "Create a User", "Create a Group", "Create a Policy", "Attach a Policy",
                   "Add a User to a Group", "List Users", "List Groups", "List Policies",
                   "Remove a User from a Group", "Disable User Access", "Enrich User", "Enable User Access",
                   "Revoke Role Sessions", "Detach a Policy", "Restore Role Access"):
        assert f"\n> {action}\n" in out, action
    assert "DEMO FAILED" not in out
    assert out.rstrip().splitlines()[-1].startswith("Demo complete: every step behaved as expected (")
    # Step 8: Bob.Jones enriched before and after he is disabled; only the second run has an insight.
    step8 = out[out.index("8. Enrich User"):out.index("9. Did access really change?")]
    before, after = step8.split("\n> Disable User Access\n")
    assert "AWSIAM_Disabled                   | False" in before and "Insight on the entity" not in before
    assert "AWSIAM_Disabled                   | True" in after
    assert ("Insight on the entity BOB.JONES (triggered by AWSIAM):\n"
            "    | AWS IAM user Bob.Jones has 1 risk finding:\n"
            "    | - Access is disabled: the deny-all inline policy DisableUserAccessPolicy is on the user.") in after
    # Step 8 too: his key in use switched off and recorded, his old key left out of the record.
    assert re.search(r"AKIA\w+ \| in use  \| Inactive\n +AKIA\w+ \| retired \| Inactive", after)
    assert re.search(r"AWSIAM-Containment = keys=AKIA\w+ at=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", after)
    # Step 9: the access each user really has, with their own key, under moto's enforcement.
    after = out[out.index("9. Did access really change?"):out.index("10. A second account")]
    assert "alice     | developer | allowed      | allowed      | allowed      | AccessDenied" in after
    assert "carol     | manager   | AccessDenied | allowed      | allowed      | AccessDenied" in after
    assert "Bob.Jones | disabled  | AccessDenied | AccessDenied | AccessDenied | AccessDenied" in after
    # Step 10: a second account through a role; its user is absent from the first account.
    second = out[out.index("10. A second account, reached through a role"):out.index("11. A false positive")]
    assert "> Ping\n    (second instance, through the role AWSIAMIntegrationRole in 444455556666)\n" in second
    assert "AWS calls (2): sts:AssumeRole, ListUsers" in second
    assert '"Arn": "arn:aws:iam::444455556666:user/erin"' in second
    first_instance = second[second.index("Back to the first instance"):]
    assert "| arn:aws:iam::444455556666:user/erin |" not in first_instance.split("> Disable User Access")[0]
    assert '"Reason": "The user ARN belongs to another AWS account."' in first_instance
    # Step 11: the false positive undone. Bob reads and writes again; only the key containment
    # turned off is back on.
    undone = out[out.index("11. A false positive"):out.index("12. Revoke Role Sessions")]
    assert "Bob.Jones | developer | allowed      | allowed    | allowed      | AccessDenied" in undone
    assert re.search(r"AKIA\w+ \| in use  \| Active\n +AKIA\w+ \| retired \| Inactive", undone)
    assert "| The following users in AWS IAM were not disabled, so there was nothing to restore: Bob.Jones" in undone
    # Step 12: a role's sessions revoked, a policy detached (and detached again: not attached).
    last = out[out.index("12. Revoke Role Sessions"):out.index("13. AWS quarantines")]
    assert "ci-deploy now carries the inline policy AWSRevokeOlderSessions" in last
    assert "carol     | manager, policy taken back | AccessDenied | AccessDenied | AccessDenied | AccessDenied" in last
    assert "| Policy ManagersBucketReadOnly is not attached to Group: Managers" in last
    # Step 13: AWS quarantines Bob; the connector's next cycle raises one critical alert on his ARN,
    # the playbook's actions run on that entity, and the following cycle raises nothing new.
    risks = out[out.index("13. AWS quarantines Bob's leaked key"):out.index("14. One stolen session")]
    quiet, alert, after = risks.split("> AWS IAM Identity Risks Connector: one cycle\n")[1:]
    assert "Log: Created 0 alerts for new identity risks" in quiet
    assert "Log: Created 1 alert for new identity risks; 0 more wait for the next cycles." in alert
    assert "| 100      | AWS IAM Identity Risk: quarantined | arn:aws:iam::123456789012:user/Bob.Jo" in alert
    assert ("IAM/STS calls (5): GenerateCredentialReport, ListEntitiesForPolicy, ListEntitiesForPolicy, "
            "ListEntitiesForPolicy, GetCredentialReport") in alert
    assert "> Enrich User\n    entity (User): arn:aws:iam::123456789012:user/Bob.Jones\n" in alert
    assert "- Quarantined by AWS: the policy AWSCompromisedKeyQuarantineV3 is attached" in alert
    assert re.search(r"> Disable User Access\n    Deactivate Access Keys: true\n"
                     r"    entity \(User\): arn:aws:iam::123456789012:user/Bob.Jones\n", alert)
    assert re.search(r"Successfully deactivated the access keys of the following users in AWS IAM: Bob.Jones \(AKIA\w+\)",
                     alert)
    assert "Log: Created 0 alerts for new identity risks" in after
    # Step 14: one stolen session of the build role denied, the colleague's not; the block at the
    # head of the trust policy; then the role exactly as before.
    role = out[out.index("14. One stolen session"):out.index("15. Bob's case closes")]
    role_id = re.search(r"RoleId (AROA\w+)", role)[1]
    assert f"| Successfully revoked only the named sessions of the following roles in AWS IAM: build ({role_id}:runner-07)" in role
    assert "| Skipped 1 User entities that name no IAM role (users, or nothing in IAM): BOB.JONES" in role
    assert re.search(rf'"aws:userid": \[\s+"{role_id}:runner-07"\s+\]', role)
    assert "the session runner-12 is not in the list" in role
    assert '"Sid": "AWSIAMBlockNewSessions"' in role
    assert "| Successfully restored the access of the following roles in AWS IAM: build (AWSIAMBlockNewSessions, AWSIAMRevokedSessions)" in role
    assert "the trust policy and the\n  inline policies are identical" in role
    # Step 15: Recover keeps the copied key off, dates the cut-off at the containment, and Bob
    # works again with a new key under moto's enforcement.
    recover = out[out.index("15. Bob's case closes"):out.index("16. IAM Identity Center")]
    at = re.search(r"AWSIAM-Containment = keys=AKIA\w+ at=(\S+)", recover)[1]
    assert f"issued before containment of the following users in AWS IAM: Bob.Jones (before {at})" in recover
    assert re.search(r"Kept Inactive, as a compromised access key is never reactivated, .*: Bob\.Jones \(AKIA\w+\)", recover)
    assert f"credentials issued before {at}, the moment he was contained" in recover
    assert "| Policy was detached from User: Bob.Jones" in recover  # AWS's quarantine, taken back
    assert "Bob.Jones | developer, new key | allowed    | allowed    | allowed      | AccessDenied" in recover
    assert "| The following users in AWS IAM were not disabled, so there was nothing to restore: Bob.Jones" in recover
    # Step 16: a contractor who signs in through IAM Identity Center, contained in both permission sets
    # they reach (one through a group, in two accounts), a colleague holding the same set spared, and
    # every document exactly as before after the undo.
    ic = out[out.index("16. IAM Identity Center"):out.index("17. An alert from the second account")]
    for action in ("Enrich Identity Center User", "Disable Identity Center User Access", "Enable Identity Center User Access"):
        assert f"\n> {action}\n    entity (User): JDOE@EXAMPLE.COM\n  State: COMPLETED   Result value (is_success): true\n" in ic
    assert '"Via": "group:contractors"' in ic and '"Via": "user"' in ic
    assert "sso:CreatePermissionSet, which its policy does not grant, gets 403" in " ".join(ic.split())
    contained = ic[ic.index("The inline policies after Disable"):ic.index("\n> Enable Identity Center User Access")]
    assert contained.count('"Sid": "AWSIAMContainment"') == 2 and contained.count('"Sid": "ReadCompanyBucket"') == 1
    assert "holds ReadOnly through the same group and is not in the statement" in " ".join(contained.split())
    restored = ic[ic.index("The inline policies after Enable"):]
    assert "AWSIAMContainment" not in restored.split("Exactly as before")[0]
    assert "DataEngineer:\n      (no inline policy)" in restored
    # Step 17: only Bob's access key ID, in the second account: found there through the Cross-Account
    # Role Name, enriched and contained there, and his own key is refused afterwards.
    org = out[out.index("17. An alert from the second account"):]
    key = re.search(r"his access key (AKIA\w{16})\.", org)[1]
    assert f"> Enrich User\n    entity (User): {key}\n  State: COMPLETED" in org
    assert f"    | Successfully deactivated the access keys of the following users in AWS IAM: bob ({key})" in org
    assert '"Account": "444455556666",\n          "ResolvedFrom": "access_key",' in org
    assert org.count("sts:GetAccessKeyInfo, sts:GetCallerIdentity, sts:AssumeRole, GetAccessKeyLastUsed, GetUser") == 2
    told = " ".join(org.split())  # the notes are wrapped
    assert f"his key {key} is Inactive. With that key he tries to list the buckets again: AccessDenied." in told
