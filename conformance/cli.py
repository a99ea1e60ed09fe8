"""`conformance`: one command per verb, the same for a person and for CI.

Thin on purpose: each verb's options and behaviour live in the module that owns it
(`certify` for `run`, `mock.cli` for `mock`); this module only dispatches and turns a
user's mistake into a one-line message and exit code 2 instead of a stack trace.
"""

import argparse
import os
import sys
from collections.abc import Sequence

from conformance.errors import EXIT_INTERRUPTED, EXIT_USAGE, UsageError


def _rules_main(args: argparse.Namespace) -> int:
    from conformance.catalog import load_rules

    rules = load_rules()
    wanted = [r for r in rules.values() if not args.product or args.product in r.products]
    for rule in wanted:
        print(f"{rule.id:40} {rule.level:6} {rule.source.citation()}")
        print(f"{'':40} {rule.statement}")
        if rule.source.quote:  # the document's own sentence, as the README promises
            print(f"{'':40} “{' '.join(rule.source.quote.split())}”")
    print(f"{len(wanted)} rules")
    return 0


class _OneLineParser(argparse.ArgumentParser):
    """argparse, but a wrong option is one line naming it and where the help is, exit 2."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see: {self.prog} --help)\n")


def _build_parser() -> argparse.ArgumentParser:
    from conformance import __version__, certify
    from conformance.catalog import PRODUCTS
    from conformance.mock import cli as mock_cli
    from conformance.selftest import command as selftest_command

    parser = _OneLineParser(
        prog="conformance",
        description="Certify GEP SMART, PO-service and Smart Materials targets"
        " against their vendor documents.",
    )
    parser.add_argument("--version", action="version", version=f"conformance {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB",
                                  parser_class=_OneLineParser)

    run = verbs.add_parser("run", help="certify a target (the embedded mock when none is named)")
    certify.add_arguments(run)
    run.set_defaults(handler=certify.main)

    mock = verbs.add_parser("mock", help="serve the reference mock of all five endpoints")
    mock_cli.add_arguments(mock)
    mock.set_defaults(handler=mock_cli.main)

    selftest = verbs.add_parser(
        "selftest", help="the suite's mutation score: certify the mock clean and once per mutant"
    )
    selftest_command.add_arguments(selftest)
    selftest.set_defaults(handler=selftest_command.main)

    rules = verbs.add_parser("rules", help="list the rule catalog with its citations")
    rules.add_argument("--product", choices=list(PRODUCTS), help="only this product's rules")
    rules.set_defaults(handler=_rules_main)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _build_parser().parse_args(argv)  # loads the suite: the first fraction of a second
        return args.handler(args)
    except UsageError as error:
        print(f"conformance: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        # `run` writes its reports once its options are read (`certify`); before that there is
        # no run to report on
        print("conformance: interrupted while starting: nothing was sent, no report written",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`conformance rules | head`): not an error; silence the final flush.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
