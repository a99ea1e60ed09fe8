"""`conformance run` (placeholder until the certification run lands)."""

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target")


def main(args: argparse.Namespace) -> int:
    raise SystemExit("conformance run: not built yet")
