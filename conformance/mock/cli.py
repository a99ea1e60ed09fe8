"""`conformance mock`: serve the reference mock until Ctrl-C or SIGTERM.

Prints the base URL once the server accepts connections, so a script can wait for that line.
"""

import argparse
import gc
import signal
import sys
import threading

from conformance.mock.faults import FAULTS, UnknownFault
from conformance.mock.variant import VARIANTS

EXIT_USAGE = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=port_number, default=0, help="port to bind; 0 picks a free one"
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="turn on a planted defect (repeatable); see --list-faults",
    )
    parser.add_argument(
        "--variant",
        choices=sorted(VARIANTS),
        default="reference",
        help="which correct target to be (latitude choices and seed data)",
    )
    parser.add_argument(
        "--latency-ms",
        type=latency_ms,
        default=0.0,
        metavar="MS",
        help="wait MS milliseconds before answering each request (a latency-bound target)",
    )
    parser.add_argument(  # the embedded mock of a run (mock.child): stop with the parent
        "--until-stdin-closes", action="store_true", help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--list-faults",
        action="store_true",
        help="list the faults with the rule each breaks, then exit",
    )


def port_number(text: str) -> int:
    """argparse type: a TCP port, so a typo is a usage message and not a traceback."""
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is no port (0-65535; 0 picks a free one)")
    return int(text)


def latency_ms(text: str) -> float:
    """argparse type: milliseconds, 0 to 60,000."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 60_000:
        raise argparse.ArgumentTypeError(f"{text!r} is no latency (0 to 60000 milliseconds)")
    return value


def list_faults() -> int:
    width = max(len(f.name) for f in FAULTS)
    for fault in FAULTS:
        print(f"{fault.name:{width}}  {fault.rule:38}  {fault.description}")
    print(f"{len(FAULTS)} faults")
    return 0


def main(args: argparse.Namespace) -> int:
    if args.list_faults:
        return list_faults()
    from conformance.mock.server import start_in_thread  # uvicorn only when serving

    try:
        mock = start_in_thread(args.host, args.port, faults=tuple(args.fault),
                               variant=args.variant, latency_ms=args.latency_ms)
    except UnknownFault as error:
        print(f"conformance mock: {error} (see --list-faults)", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:  # address in use, no such interface, no permission
        print(
            f"conformance mock: cannot listen on {args.host}:{args.port}: {error.strerror}"
            " — choose another --host/--port (--port 0 picks a free one)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    gc.freeze()  # the seed data and modules leave the collector's sight: shorter GC pauses
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if args.until_stdin_closes:
        threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    faults = f" with faults {', '.join(args.fault)}" if args.fault else ""
    if args.latency_ms:
        faults += f", {args.latency_ms:g} ms latency per request"
    print(f"{mock.base_url}", flush=True)
    print(
        f"conformance mock ({args.variant}{faults}) serving; Ctrl-C stops it\n"
        f"certify it: conformance run --base-url {mock.base_url}"
        + (
            "\n(nothing to export: a loopback --base-url run uses the demo credentials;"
            " for curl they are in docs/mock.md)"
            if args.variant == "reference"
            else " --target targets/mock-alternate.toml (export its demo credentials first,"
            " docs/mock.md)"
        ),
        file=sys.stderr,
        flush=True,
    )
    try:
        while not stop.wait(0.2) and mock.running:
            pass
    except KeyboardInterrupt:
        pass
    finally:
        mock.stop()
    return 0
