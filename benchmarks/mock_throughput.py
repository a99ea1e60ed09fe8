"""Throughput of the reference mock on loopback: requests/s and latency percentiles.

    .venv/bin/python benchmarks/mock_throughput.py [--connections 50] [--requests 6000]
                                                   [--max-seconds 30]

The mock runs in its own process (`conformance mock --port 0`, as a person would start it), so
the 50 client threads (one keep-alive requests.Session each) do not share its interpreter. The
requests cycle over the five endpoints with valid bodies that do not grow the state; the run is
bounded by --requests and --max-seconds, whichever comes first.
"""

import argparse
import itertools
import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conformance.mock.seed import REFERENCE_SEED


def _requests_cycle():
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


def _start_mock() -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "conformance.cli", "mock", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return process, process.stdout.readline().strip()


def _worker(base_url, work, deadline, latencies, failures, lock):
    with requests.Session() as session:
        while time.monotonic() < deadline:
            with lock:
                item = next(work, None)
            if item is None:
                return
            _, method, path, body, headers = item
            started = time.perf_counter()
            response = session.request(method, base_url + path, data=json.dumps(body),
                                       headers={**headers, "Content-Type": "application/json"},
                                       timeout=30)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if response.status_code >= 300:
                    failures.append(response.status_code)


def run(connections: int, total: int, max_seconds: float) -> dict:
    process, base_url = _start_mock()
    try:
        work = itertools.islice(itertools.cycle(_requests_cycle()), total)
        latencies: list[float] = []
        failures: list[int] = []
        lock = threading.Lock()
        started = time.perf_counter()
        deadline = time.monotonic() + max_seconds
        threads = [threading.Thread(target=_worker, args=(base_url, work, deadline, latencies,
                                                          failures, lock))
                   for _ in range(connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=15)
        process.stdout.close()
    ordered = sorted(latencies)
    return {
        "connections": connections, "requests": len(latencies), "seconds": round(seconds, 2),
        "requests_per_second": round(len(latencies) / seconds, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1), "non_2xx": len(failures),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--max-seconds", type=float, default=30.0)
    args = parser.parse_args()
    result = run(args.connections, args.requests, args.max_seconds)
    for key, value in result.items():
        print(f"{key:20} {value}")
    return 0 if result["non_2xx"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
