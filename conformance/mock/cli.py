"""`conformance mock` (placeholder until the mock lands)."""

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=0)


def main(args: argparse.Namespace) -> int:
    raise SystemExit("conformance mock: not built yet")
