"""Throughput of the reference mock, measured with `wrk`, next to Prism on the same requests.

    .venv/bin/python benchmarks/mock_throughput.py [--connections 1,10,50] [--duration 5]
                                                   [--endpoints PORStatus,...] [--no-prism]

Per endpoint (one valid, state-neutral request each: the same body, headers and path for both
servers) and per number of connections: requests/s, p50 and p99 latency, non-2xx answers.
The servers run in their own processes: `conformance mock --port 0`, and Prism
(`@stoplight/prism-cli mock`, one process per spec since Prism serves one spec each). wrk (C,
event loop, 2 threads) is the client, so the figures are the servers', not a Python client's.

Installs what is missing: wrk from the Debian packages (`apt-get update && apt-get install -y
wrk`, as root), Prism with npm into benchmarks/.prism/ (not committed). Targets: the mock >= 3x
Prism's requests/s on the same request, p99 <= 20 ms at 50 connections.
"""

import argparse
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import ROOT, machine_line, start_mock, stop_process

from conformance.mock.seed import REFERENCE_SEED

PRISM_DIR = ROOT / "benchmarks" / ".prism"
PRISM_VERSION = "5"
SPEC_OF = {"PORStatus": "gep-smart.yaml", "ContactInterfaceStatus": "gep-smart.yaml",
           "OrgManagers": "gep-smart.yaml", "po/modify": "po-service.yaml",
           "CreateUpdateProgressPayEvents": "smart-materials.yaml"}


def requests_of_endpoints() -> list[tuple[str, str, str, object, dict]]:
    """(name, method, path, body, headers): one valid request per endpoint, state-neutral."""
    seed, creds = REFERENCE_SEED, REFERENCE_SEED.credentials
    gep = {"Authorization": f"Bearer {creds.gep_token[1]}"}
    po = {"Authorization": f"Bearer {creds.po_token[1]}", "userId": creds.po_user_id[1],
          "appId": creds.po_app_id[1]}
    smat = {"Authorization": f"Bearer {creds.smat_token[1]}"}
    authorised = seed.po.purchase_orders[0]
    agreement = seed.agreements[0]
    event = dict(agreement.events[3])
    smat_path = (f"/Smat/V1/Projects('{agreement.project}')/Disciplines('{agreement.discipline}')"
                 f"/Nls('{agreement.language}')/PurchaseOrders({agreement.po_id})"
                 "/CreateUpdateProgressPayEvents")
    structure, members = next(iter(seed.gep.structures.items()))
    org_item = {"entityCode": members[0].entity_code, "managerCode": [seed.gep.manager_codes[0]],
                "thresholdAmount": 0, "currencyCode": seed.gep.currency_codes[0],
                "isDeleted": False, "structureName": structure,
                "orgEntities": [{"entityCode": members[0].entity_code, "isDefault": True,
                                 "entityType": members[0].entity_type,
                                 "lobEntityCode": members[0].lob_entity_code}]}
    return [
        ("PORStatus", "PUT", "/SmartInterfaceAPI/api/Order/PORStatus",
         {"model": [{"key": seed.gep.order_numbers[0], "status": seed.gep.por_status}]}, gep),
        ("ContactInterfaceStatus", "PUT", "/SmartInterfaceAPI/api/Contact/ContactInterfaceStatus",
         [{"clientContactCode": seed.gep.contact_codes[0], "interfaceStatus": "success"}], gep),
        ("OrgManagers", "POST", "/SmartInterfaceAPI/api/OrganizationManager/OrgManagers",
         [org_item], gep),
        ("po/modify", "POST", "/service/v1/po/modify",
         {"authRequire": "N", "sourceTxnId": "BENCH", "data": [
             {"poInternalNumber": authorised.internal_number, "netPoAmount": 10.5}]}, po),
        ("CreateUpdateProgressPayEvents", "POST", smat_path, {"PPE": [event]}, smat),
    ]


def lua_script(directory: Path, name: str, method: str, path: str, body, headers: dict) -> Path:
    """wrk sends GET without a script: the method, path, body and headers of one request."""
    def lua(text: str) -> str:
        return json.dumps(text)  # a JSON string is a valid Lua string literal here (ASCII)

    lines = [f"wrk.method = {lua(method)}", f"wrk.path = {lua(path)}",
             f"wrk.body = {lua(json.dumps(body))}",
             'wrk.headers["Content-Type"] = "application/json"']
    lines += [f"wrk.headers[{lua(k)}] = {lua(v)}" for k, v in headers.items()]
    script = directory / (re.sub(r"\W", "_", name) + ".lua")
    script.write_text("\n".join(lines) + "\n", encoding="ascii")
    return script


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk: not found — installing the Debian package (apt-get update; apt-get install wrk)",
          flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or sys.exit("wrk: still not on PATH after apt-get install")


def ensure_prism() -> Path:
    binary = PRISM_DIR / "node_modules" / ".bin" / "prism"
    if not binary.exists():
        print(f"prism: installing @stoplight/prism-cli@{PRISM_VERSION} into {PRISM_DIR}",
              flush=True)
        PRISM_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                        str(PRISM_DIR), f"@stoplight/prism-cli@{PRISM_VERSION}"], check=True)
    return binary


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_prism(binary: Path, spec: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen([str(binary), "mock", "-h", "127.0.0.1", "-p", str(port),
                                str(ROOT / "specs" / spec)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if "listening" in line.lower():
            # Prism keeps logging every request: drain it, or its pipe fills and it stalls
            subprocess.Popen(["cat"], stdin=process.stdout, stdout=subprocess.DEVNULL)
            return process, f"http://127.0.0.1:{port}"
        if not line and process.poll() is not None:
            break
    stop_process(process)
    raise SystemExit(f"prism: did not start for {spec}")


def run_wrk(wrk: str, base_url: str, script: Path, connections: int, seconds: int) -> dict:
    threads = str(min(2, connections))
    done = subprocess.run([wrk, "-t", threads, "-c", str(connections), "-d", f"{seconds}s",
                           "--latency", "-s", str(script), base_url],
                          capture_output=True, text=True, check=True)
    out = done.stdout

    def millis(label: str) -> float:
        match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return {"rps": float(rate.group(1)) if rate else 0.0, "p50": millis("50%"),
            "p99": millis("99%"), "requests": int(total.group(1)) if total else 0,
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", default="1,10,50")
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--endpoints", help="comma-separated names (default: all five)")
    parser.add_argument("--no-prism", action="store_true", help="measure the mock only")
    args = parser.parse_args()
    connections = [int(c) for c in args.connections.split(",")]
    endpoints = requests_of_endpoints()
    if args.endpoints:
        wanted = args.endpoints.split(",")
        unknown = sorted(set(wanted) - {e[0] for e in endpoints})
        if unknown:
            names = ", ".join(e[0] for e in endpoints)
            raise SystemExit(f"--endpoints: no endpoint named {', '.join(unknown)} (the names: "
                             f"{names})")
        endpoints = [e for e in endpoints if e[0] in wanted]
    wrk = ensure_wrk()
    prism = None if args.no_prism else ensure_prism()
    print(machine_line())
    servers: dict[str, dict[str, tuple]] = {"mock": {}, "prism": {}}
    with tempfile.TemporaryDirectory() as scratch:
        scripts = {e[0]: lua_script(Path(scratch), *e) for e in endpoints}
        mock_process, base_url = start_mock()
        servers["mock"] = {name: (mock_process, base_url) for name in scripts}
        try:  # every server started is stopped, whatever fails after it started
            if prism:
                for spec in dict.fromkeys(SPEC_OF[name] for name in scripts):
                    started = start_prism(prism, spec)
                    for name in scripts:
                        if SPEC_OF[name] == spec:
                            servers["prism"][name] = started
            print(f"{'endpoint':30} {'server':6} {'conn':>4} {'req/s':>9} {'p50 ms':>8} "
                  f"{'p99 ms':>8} {'non-2xx':>8}")
            for name, script in scripts.items():
                rates = {}
                for count in connections:
                    for server, by_endpoint in servers.items():
                        if name not in by_endpoint:
                            continue
                        result = run_wrk(wrk, by_endpoint[name][1], script, count, args.duration)
                        rates[(server, count)] = result["rps"]
                        print(f"{name:30} {server:6} {count:>4} {result['rps']:>9.0f} "
                              f"{result['p50']:>8.1f} {result['p99']:>8.1f} "
                              f"{result['non_2xx']:>8}", flush=True)
                for count in connections:
                    if rates.get(("prism", count)):
                        ratio = rates[("mock", count)] / rates[("prism", count)]
                        print(f"{name:30} mock/prism at {count} connections: {ratio:.1f}x "
                              "(target >= 3)")
        finally:
            stopped = {id(mock_process)}
            stop_process(mock_process)
            for by_endpoint in servers.values():
                for process, _ in by_endpoint.values():
                    if id(process) not in stopped:
                        stopped.add(id(process))
                        stop_process(process)
    print(machine_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
