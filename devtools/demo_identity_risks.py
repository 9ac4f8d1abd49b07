"""The demo's identity-risk scene: AWS quarantines Bob's leaked key, and the AWS IAM Identity Risks
Connector turns it into a case.

The demo attaches AWSCompromisedKeyQuarantineV3 to Bob.Jones as AWS does when it finds a key in
public. The connector's next cycle (the real script, in a subprocess, its memory kept between
cycles as the platform keeps a connector's context) raises one critical alert whose event holds
Bob's ARN, the field the package's mapping makes the alert's User entity. Enrich User and Disable
User Access then run on that entity as the platform sends it (upper-cased, the ARN as its original
spelling), and the connector's following cycle raises nothing new."""

import json
import shutil
import tempfile
from functools import partial
from pathlib import Path

import demo_view as view
from local_runner import RunnerError, run_connector
from moto.core import DEFAULT_ACCOUNT_ID
from moto_server import issued_role_credentials

USER = "Bob.Jones"
QUARANTINE = "AWSCompromisedKeyQuarantineV3"
MAPPING = Path(__file__).resolve().parents[1] / "DefaultMappingRules" / "integration_mapping_rules.json"
ALERT_NAME = "AWS IAM: User quarantined by AWS for a leaked access key"
# The entity the alert brings. The story's account is moto's default one; the steps are written
# before the story opens it, and the alert is checked against the account really opened.
BOB_ARN = f"arn:aws:iam::{DEFAULT_ACCOUNT_ID}:user/{USER}"


class IdentityRisksScene:
    def __init__(self, demo, failure: type[Exception]):
        self.demo = demo
        self.failure = failure
        self.store = Path(tempfile.mkdtemp(prefix="demo-connector-")) / "context.json"
        self.alert = None

    def cycle(self, expected: int):
        """One connector cycle with the integration's key; `expected` alerts, no more, no less."""
        self.demo.server.reset_calls()
        try:
            out = run_connector(parameters=self.demo.configuration, context_store=self.store,
                                endpoint_url=self.demo.server.url)
        except RunnerError as err:
            raise self.failure(f"the connector produced no package: {err}") from None
        calls = [call if service == "iam" else f"{service}:{call}" for service, call in self.demo.server.calls
                 if service in ("iam", "sts")]
        self.demo.server.reset_calls()
        print("\n> AWS IAM Identity Risks Connector: one cycle")
        print("    Minimum Severity: high (the default), Max Alerts Per Cycle: 20 (the default)")
        for row in out.log_rows[-1:]:
            print(f"  Log: {row['message']}")
        rows = [[alert["name"], alert["priority"], alert["rule_generator"], alert["events"][0]["Arn"]]
                for alert in out.alerts]
        if rows:
            print("  Alerts created:")
            print("    " + view.grid(["name", "priority", "rule generator", "event Arn (the User entity)"], rows)
                  .replace("\n", "\n    "))
        print(f"  IAM/STS calls ({len(calls)}): {', '.join(calls)}")
        printed = out.stdout + out.stderr
        if self.demo.secret in printed or any(credential in printed for credential in issued_role_credentials()):
            raise self.failure("a secret reached the connector's output")
        if out.errors or len(out.alerts) != expected:
            raise self.failure(f"the connector created {len(out.alerts)} alerts, expected {expected}; errors: {out.errors}")
        return out

    def quiet_before(self):
        self.cycle(expected=0)
        view.note("Nothing at high or above in the account: no alert. The connector remembers what it reported in its "
                  "context (reported_identity_risks), which the platform keeps from one cycle to the next.")

    def quarantine(self):
        self.demo.account.attach_user_policy(USER, f"arn:aws:iam::aws:policy/{QUARANTINE}")
        view.note(f"Bob's key turned up in a public repository. AWS found it, attached {QUARANTINE} to {USER} and "
                  "e-mailed the account's root address, which nobody reads today. (The demo attaches the policy with "
                  "John's admin key, as AWS would.)")

    def alert_raised(self):
        out = self.cycle(expected=1)
        alert = out.alerts[0]
        event = alert["events"][0]
        if (alert["name"], alert["priority"], event["Arn"]) != (ALERT_NAME, 100, BOB_ARN):
            raise self.failure(f"the alert is {alert['name']!r}, priority {alert['priority']}, on {event['Arn']}")
        mapping, = json.loads(MAPPING.read_text(encoding="utf-8"))
        field = mapping["RawDataPrimaryFieldMatchTerm"]
        if (mapping["SecurityEventFieldName"], event.get(field)) != ("SourceUserName", BOB_ARN):
            raise self.failure(f"the package's mapping does not make {BOB_ARN} the alert's User entity")
        self.alert = alert
        view.note(f"One critical alert, ticket {alert['ticket_id']}. The package's mapping turns the event's "
                  f"{field} into SourceUserName, so the case opens with the User entity {BOB_ARN} (the platform "
                  "upper-cases it and keeps the ARN as its original spelling). The playbook runs on it:")

    def quiet_after(self):
        self.cycle(expected=0)
        view.note("The quarantine is still on Bob, but the connector reported it already: no second alert. Were the "
                  "policy removed, the finding would be forgotten, and it would alert again if AWS attached it again.")
        shutil.rmtree(self.store.parent, ignore_errors=True)


def chapter(demo, run_step: type, failure: type[Exception]):
    """(title, narrative, steps) for demo.py's chapters; `run_step` is its Run, `failure` its DemoFailure."""
    scene = IdentityRisksScene(demo, failure)
    key = lambda: demo.keys[USER].access_key_id  # noqa: E731  (known only once the story made it)

    def insight_names_the_quarantine(out):
        texts = [insight["content"] for insight in out.insights]
        return None if any(QUARANTINE in text for text in texts) else f"no insight names {QUARANTINE}: {texts}"

    return (
        "13. AWS quarantines Bob's leaked key: the Identity Risks connector opens the case",
        "The AWS IAM Identity Risks Connector runs on the platform's schedule with the integration's key, which "
        "holds only the least-privilege policy (it includes iam:GenerateCredentialReport, iam:GetCredentialReport "
        "and iam:ListEntitiesForPolicy).",
        [scene.quiet_before,
         scene.quarantine,
         scene.alert_raised,
         run_step("Enrich User", entities=(BOB_ARN,),
                  message=f"Successfully enriched the following users from AWS IAM: {USER}\n"
                          f"Risk findings were added as insights to the following users: {USER}",
                  check=insight_names_the_quarantine),
         run_step("Disable User Access", {"Deactivate Access Keys": "true"}, entities=(BOB_ARN,),
                  message=lambda: f"Successfully added deny policy to the following users in AWS IAM: {USER}\n"
                                  "Successfully deactivated the access keys of the following users in AWS IAM: "
                                  f"{USER} ({key()})"),
         partial(view.note, "Bob is contained: the deny policy is on him and his key is off, minutes after the alert "
                            "instead of days after the e-mail."),
         scene.quiet_after],
    )
