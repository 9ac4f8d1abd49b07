"""Ping: one cheap IAM read proves the configured credentials and endpoint work."""

import AWSIAMParser as parser
from ActionRunner import run_action
from AWSIAMConstants import PING


def perform(ctx):
    ctx.manager.test_connectivity()
    return parser.ping_result()


if __name__ == "__main__":
    run_action(PING, perform)
