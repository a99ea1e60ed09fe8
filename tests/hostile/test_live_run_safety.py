"""A live run, planned and traced: --dry-run sends nothing and counts what a real run sends at
the same seed; written.json lists exactly what the run wrote into the mock; --max-requests is
never exceeded and what it left out is not tested."""

import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from hostile_server import Forward, Reply
from run_helpers import conformance_run, summary_of

from conformance import mock
from conformance.mock.app import create_app
from conformance.mock.seed import REFERENCE_SEED
from conformance.mock.server import serve_in_thread, start_in_thread
from conformance.scenarios.loader import load_scenarios

pytestmark = pytest.mark.slow
ENV = {**os.environ, **mock.DEMO_CREDENTIALS}
CLOCK_TOLERANCE = 0.0005  # seconds: the server's clock readings, not the pacing


def _counted(hostile, upstream):
    return hostile(lambda server, request: Forward(), upstream)


def test_dry_run_sends_nothing_and_counts_what_a_real_run_sends(tmp_path, hostile, upstream):
    counter = _counted(hostile, upstream)
    # gep's smoke profile has scenarios and generated cases (the spec's examples) both
    common = ["--base-url", counter.url, "--api", "gep", "--profile", "smoke", "--seed", "4"]
    dry = conformance_run(*common, "--dry-run", "--report-dir", str(tmp_path / "dry"), env=ENV)
    assert dry.returncode == 0, dry.stdout[-2000:] + dry.stderr[-2000:]
    assert counter.requests == []  # nothing sent, not even the probe
    total = next(line for line in dry.stdout.splitlines() if line.startswith("total: "))
    assert "[gep] updateProcessedPorStatus:" in dry.stdout
    assert "each writes when accepted" in dry.stdout and "generated cases: " in dry.stdout
    assert "org-valid-entity-manager-is-saved" in dry.stdout
    assert "records touched (" in dry.stdout and "        order " in dry.stdout
    real = conformance_run(*common, "--report-dir", str(tmp_path / "real"), env=ENV)
    assert real.returncode == 0, real.stdout[-2000:]
    assert total == f"total: {len(counter.requests)} request(s)"


def test_a_dry_run_interrupted_before_its_plan_is_complete_prints_no_plan(tmp_path, hostile,
                                                                         upstream):
    """SIGTERM while the dry run plans: one line saying so, exit 3, and no part of a plan
    (which would undercount what a run sends); nothing sent."""
    counter = _counted(hostile, upstream)
    process = subprocess.Popen(
        [sys.executable, "-m", "conformance.cli", "run", "--base-url", counter.url, "--dry-run",
         "--profile", "standard", "--seed", "4", "--report-dir", str(tmp_path / "dry")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    tmp_path = tmp_path / "dry"  # made by the run
    try:
        assert process.stdout.readline().startswith("conformance: seed 4")
        time.sleep(0.5)  # pytest loading and collecting: the plan is not complete yet
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 3, stdout[-2000:] + stderr[-2000:]
    assert stderr.strip().splitlines()[-1] == (
        "conformance: the dry run was interrupted before its plan was complete: nothing was"
        " sent, no plan written — run it again to the end")
    assert "total:" not in stdout and "Traceback" not in stdout + stderr
    assert not tmp_path.exists() and counter.requests == []  # no part of a plan, no folder


@pytest.mark.parametrize("exported", [True, False], ids=["variables-set", "variables-unset"])
def test_a_dry_run_obtains_no_credentials_and_needs_none(tmp_path, hostile, target_file,
                                                         exported):
    """--dry-run sends nothing, to the token URL neither, runs no token command, and needs no
    credential variable: it says which source a real run would use and what is not set."""
    server = hostile(lambda server, request: Reply(200, {"Content-Type": "application/json"},
                                                   b'{"access_token": "t"}'))
    ran = tmp_path / "the-token-command-ran"
    command = json.dumps([sys.executable, "-c", f"open({str(ran)!r}, 'w'); print('token')"])
    path = target_file(server.url, 1, {
        r'\[\[po.auth\]\]\ntype = "bearer"\ntoken_env = "CONFORMANCE_PO_TOKEN"':
            f'[[po.auth]]\ntype = "oauth2-client-credentials"\ntoken_url = "{server.url}/token"\n'
            'client_id_env = "HOSTILE_CLIENT_ID"\nclient_secret_env = "HOSTILE_CLIENT_SECRET"',
        r'\[gep.auth\]\ntype = "bearer"\ntoken_env = "CONFORMANCE_GEP_TOKEN"':
            f"[gep.auth]\ntype = \"token-command\"\ncommand = {command}",
    })
    env = {**ENV, "HOSTILE_CLIENT_ID": "client", "HOSTILE_CLIENT_SECRET": "secret"}
    if not exported:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CONFORMANCE_",
                                                                        "HOSTILE_"))}
    dry = conformance_run("--target", str(path), "--profile", "smoke", "--seed", "4",
                          "--dry-run", "--report-dir", str(tmp_path / "dry"), env=env)
    assert dry.returncode == 0, dry.stdout[-2000:] + dry.stderr[-2000:]
    assert server.requests == []  # no token request, no API call
    assert not ran.exists()
    assert f"    [po]: OAuth2 client-credentials token from {server.url}/token" in dry.stdout
    assert "    [gep]: bearer token printed by the command " in dry.stdout
    unset = [line for line in dry.stdout.splitlines() if "not set, a real run needs" in line]
    if exported:
        assert unset == []
    else:
        assert {"HOSTILE_CLIENT_ID", "HOSTILE_CLIENT_SECRET", "CONFORMANCE_SMAT_TOKEN"} <= set(
            unset[0].split(": ", 1)[1].split())
    assert "total: " in dry.stdout and "Traceback" not in dry.stdout + dry.stderr


@pytest.mark.parametrize("budget", ["run", "product"])
def test_a_dry_run_counts_what_a_real_run_sends_under_the_same_budget(
        budget, tmp_path, hostile, upstream, target_file):
    """--dry-run --max-requests N (or a target file's max_requests for a product): the total
    is what the real run with that budget sends, and the rest is said to go untested."""
    counter = _counted(hostile, upstream)
    if budget == "run":
        common = ["--base-url", counter.url, "--api", "gep", "--max-requests", "15"]
    else:
        path = target_file(counter.url, 10, {r"\[po\]\n": "[po]\nmax_requests = 4\n"})
        common = ["--target", str(path), "--api", "gep,po"]
    common += ["--profile", "smoke", "--seed", "4"]
    dry = conformance_run(*common, "--dry-run", "--report-dir", str(tmp_path / "dry"), env=ENV)
    assert dry.returncode == 0, dry.stdout[-2000:] + dry.stderr[-2000:]
    assert counter.requests == []
    total = next(line for line in dry.stdout.splitlines() if line.startswith("total: "))
    assert "would not be sent" in total and "reported not tested" in total
    if budget == "product":
        assert "  [po] max_requests 4 (target file): " in dry.stdout
    else:
        assert "stopped by --max-requests 15" in total
    conformance_run(*common, "--report-dir", str(tmp_path / "real"), env=ENV)
    assert total.startswith(f"total: {len(counter.requests)} request(s), stopped by ")


def test_written_json_lists_exactly_what_the_run_wrote_into_the_mock(tmp_path):
    with start_in_thread() as running:
        done = conformance_run("--base-url", running.base_url, "--profile", "smoke", "--seed",
                               "8", "--report-dir", str(tmp_path), env=ENV)
        store = running.app.state.mock.store
        seed_orders = set(REFERENCE_SEED.gep.order_numbers)
        changed = {
            "po": {f"PO {po.internal_number} / {po.external_number}"
                   for po in store.pos.values() if po.fields},
            "orders": {f"order {key}" for key, record in store.orders.items()
                       if record != {"status": REFERENCE_SEED.gep.por_status}},
            "org": set(store.org_managers),
            "events": {e["AttpId"] for a in store.agreements.values() for e in a.events
                       if str(e.get("ShortDesc")).startswith("conformance-run-")},
            "marked_orders": {key for key, r in store.orders.items()
                              if str(r.get("sourceSystemName")).startswith("conformance-run-")},
        }
        stored_events = {(str(a.po_id), e["AttpId"]): dict(e) for a in store.agreements.values()
                         for e in a.events}
        stored_orders = {key: dict(r) for key, r in store.orders.items()}
    assert done.returncode == 0, done.stdout[-2000:]
    written = json.loads((tmp_path / "written.json").read_text())
    marker = written["run_marker"]
    assert marker.startswith("conformance-run-")
    records = {p: {r["record"] for r in v["records"]} for p, v in written["products"].items()}
    assert {r for r in records["po"] if r.startswith("PO ")} == changed["po"]
    assert {r for r in records["gep"] if r.startswith("order ")} == changed["orders"]
    assert {r.split(" ")[2] for r in records["gep"] if r.startswith("org entity")} \
        == changed["org"]
    events = {int(r.split(" ")[2]) for r in records["smat"] if r.startswith("event")}
    assert changed["events"] and changed["events"] <= events
    # the records scenarios wrote carry the run's marker where the documents allow free text
    assert changed["marked_orders"] <= seed_orders | {r.split(" ")[1] for r in changed["orders"]}
    assert changed["events"] or changed["marked_orders"]
    assert all(str(e.get("ShortDesc")).startswith(marker) for a in store.agreements.values()
               for e in a.events if str(e.get("ShortDesc")).startswith("conformance-run-"))
    # JSON and XML bodies alike are read (the XML scenario's PO among them), and every write
    # to a PO carried the marker in its sourceTxnId
    assert not [r for r in records["po"] if r.startswith("(body")]
    po_records = written["products"]["po"]["records"]
    assert po_records and all(t.startswith(marker) for r in po_records
                              for t in r["source_txn_ids"])
    # every event and order the run wrote text into (scenarios, generated cases and the
    # pre-flight alike) holds the marker there; a call whose body had no free-text field
    # (the documented sample request's events) leaves the seeded text as it was
    # (an event's marker is in ShortDesc, or in Description where a step of its scenario
    # judges ShortDesc kept: the marker sits in the same field in every step)
    def text(event: dict) -> str | None:
        short = event.get("ShortDesc")
        marked = [t for t in (short, event.get("Description")) if str(t).startswith(marker)]
        return marked[0] if marked else short

    seeded = {(str(a.po_id), e["AttpId"]): text(e) for a in REFERENCE_SEED.agreements
              for e in a.events}
    wrote = [re.match(r"event AttpId (\d+) \(PO (\S+) ", r) for r in records["smat"]]
    texts = [text(stored_events[key]) for key in
             ((m.group(2), int(m.group(1))) for m in wrote if m)
             if text(stored_events[key]) != seeded.get(key)]
    texts += [stored_orders[r.split(" ")[1]].get("sourceSystemName") for r in records["gep"]
              if r.startswith("order ")]
    texts = [t for t in texts if isinstance(t, str)]
    assert texts and all(t.startswith(marker) for t in texts), texts
    summary_of(tmp_path)


class Recorded:
    """An ASGI app kept with every request it was sent: (method, path, body)."""

    def __init__(self, app):
        self.app, self.requests = app, []

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        chunks, more = [], True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        self.requests.append((scope["method"], scope["path"], body))
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)


@pytest.fixture(scope="module")
def standard_run(tmp_path_factory):
    """One standard run against a mock of the test's own (stopped before the tests look):
    (its report directory, written.json, the events the mock holds afterwards by (PO id,
    AttpId), the event lists of every event call it was sent)."""
    report_dir = tmp_path_factory.mktemp("standard")
    app = create_app()
    recorded = Recorded(app)
    running = serve_in_thread(recorded)
    try:
        done = conformance_run("--base-url", running.base_url, "--seed", "3",
                               "--report-dir", str(report_dir), env=ENV)
        events = {(str(a.po_id), e["AttpId"]): dict(e)
                  for a in app.state.mock.store.agreements.values() for e in a.events}
    finally:
        running.stop()
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    written = json.loads((report_dir / "written.json").read_text())
    calls = [json.loads(body).get("PPE") for method, path, body in recorded.requests
             if path.endswith("/CreateUpdateProgressPayEvents") and _json_object(body)]
    return report_dir, written, events, calls


def _json_object(body: bytes) -> bool:
    try:
        return isinstance(json.loads(body), dict)
    except ValueError:
        return False


# Events a run writes without its marker, each with the reason (README, "What a run writes")
UNMARKED = {
    "ppe-documented-sample-body-is-accepted":
        "the documents' sample body, sent as the documents write it: its events hold no"
        " free-text field, and a field added would make it another body",
    "ppe-new-event-is-created":
        "an event with the mandatory fields only: a field added would leave the accepting side"
        " of SMAT-EVENT-FIELDS-MANDATORY untested",
}


def test_every_event_a_standard_run_writes_carries_the_run_marker(standard_run):
    """Created or changed, every Smart Materials event holds the run marker in ShortDesc,
    ShortDescription or Description afterwards (a fresh review found 16 of 93 without),
    except those only the calls of `UNMARKED` wrote."""
    _, written, events, calls = standard_run
    marker = written["run_marker"]
    seeded = {(str(a.po_id), e["AttpId"]): e for a in REFERENCE_SEED.agreements
              for e in a.events}
    touched = {key: event for key, event in events.items() if key not in seeded
               or any(event.get(k) != v for k, v in seeded[key].items())}
    assert len(touched) > 50
    unmarked = {key for key, event in touched.items() if not any(
        isinstance(event.get(f), str) and event[f].startswith(marker)
        for f in ("ShortDesc", "ShortDescription", "Description"))}
    shapes = [[set(e) for e in s.steps[0].request["body"]["PPE"]] for s in load_scenarios()
              if s.id in UNMARKED]  # the event fields each excepted scenario sends
    for _, attp_id in unmarked:  # written only by the calls of UNMARKED's scenarios
        bodies = [events_sent for events_sent in calls if isinstance(events_sent, list) and any(
            isinstance(e, dict) and e.get("AttpId") == attp_id for e in events_sent)]
        assert bodies and all([set(e) for e in sent] in shapes for sent in bodies), (
            attp_id, bodies)
    assert len(unmarked) <= len(UNMARKED)  # one new event each


def test_written_json_figures_reconcile_in_a_standard_run(standard_run):
    """Every accepted write call wrote records, named none or was answered as writing none;
    the records' calls add up to record_writes (found: PO 360 accepted, 326 record calls)."""
    report_dir, written, _, _ = standard_run
    assert written["products"]["po"]["calls_naming_no_record"] > 0  # empty lists are sent
    for name, entry in written["products"].items():
        assert entry["writes_accepted"] == (
            entry["calls_writing_records"] + entry["calls_naming_no_record"]
            + entry["calls_confirming_no_record"]), name
        assert entry["record_writes"] == sum(r["calls"] for r in entry["records"]), name
        assert entry["record_writes"] >= entry["calls_writing_records"], name
    assert summary_of(report_dir)["written"]["products"] == written["products"]


def test_the_budget_is_never_exceeded_and_the_rest_is_not_tested(tmp_path, hostile, upstream):
    counter = _counted(hostile, upstream)
    done = conformance_run("--base-url", counter.url, "--api", "po", "--profile", "smoke",
                           "--max-requests", "4", "--report-dir", str(tmp_path), env=ENV)
    assert len(counter.requests) == 4
    document = summary_of(tmp_path)
    budget = [r for r in document["rules"] if "request budget" in r.get("reason", "")]
    assert budget and all(r["status"] == "untested" for r in budget)
    assert "Traceback" not in done.stdout + done.stderr
    # said even where no rule lost its evidence: what was sent, what the budget kept back
    kept_back = document["requests"]["refused_by_a_budget"]
    assert document["requests"]["sent"] == 4 and kept_back > 0
    assert (f"  BUDGET            4 request(s) sent, then --max-requests 4 refused {kept_back}"
            " (a scenario's later steps uncounted): rules are judged on what was sent"
            ) in done.stdout.splitlines()


def test_rules_the_budget_left_out_are_not_tested_and_the_verdict_counts_them(tmp_path):
    """--max-requests 20 on the embedded mock: what the budget kept back is "not tested" (never
    passed, never a plain skip), the verdict line says how many MUST rules that leaves, and
    --require-all exits 6."""
    done = conformance_run("--profile", "smoke", "--max-requests", "20", "--seed", "3",
                           "--require-all", "--report-dir", str(tmp_path), env=ENV)
    document = summary_of(tmp_path)
    rules = document["rules"]
    budget = [r for r in rules if "request budget" in r.get("reason", "")]
    assert len(budget) > 10 and all(r["status"] == "untested" for r in budget)
    assert not [r["id"] for r in rules if r["status"] == "skipped"]  # smoke: nothing needs data
    untested = [r["id"] for r in rules if r["status"] == "untested" and r["level"] == "MUST"]
    assert {r["id"] for r in budget if r["level"] == "MUST"} <= set(untested)
    assert document["untested_must"] == untested
    assert document["verdict"] == "conformant"
    line = f"conformant, {len(untested)} MUST rules not tested"
    assert document["verdict_line"] == line
    assert done.stdout.strip().splitlines()[-1].startswith(
        f"verdict: CONFORMANT, {len(untested)} MUST rules not tested  (exit 6)")
    assert done.returncode == 6, done.stdout[-2000:] + done.stderr[-2000:]


def test_a_dry_run_writes_no_verdict_and_leaves_reports_latest_alone(tmp_path):
    """A plan is not a run: no summary, JUnit or verdict, and the last real run's reports stay
    the ones `--baseline reports/latest/summary.json` reads."""
    latest = tmp_path / "reports" / "latest"
    latest.mkdir(parents=True)
    for name in ("summary.json", "junit.xml", "report.html"):
        (latest / name).write_text(f"the last real run's {name}", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "conformance.cli", "run", "--profile", "smoke", "--api", "gep",
         "--dry-run"], capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "total: " in done.stdout
    for name in ("summary.json", "junit.xml", "report.html"):
        assert (latest / name).read_text(encoding="utf-8") == f"the last real run's {name}"
    runs = [d for d in (tmp_path / "reports").iterdir() if d.name != "latest"]
    assert [d.name for d in runs if (d / "summary.json").exists()] == []
    assert all((d / "dry-run.txt").is_file() for d in runs)
    assert not any((d / "report.html").exists() for d in runs)  # it said "tests still running"
    junits = [d / "junit.xml" for d in runs if (d / "junit.xml").exists()]
    assert junits  # pytest writes one; every test in it is a skip, not a pass
    for junit in junits:
        text = junit.read_text(encoding="utf-8")  # a CI job publishing it does not go green
        assert 'failures="0"' in text and "dry run: planned, nothing sent" in text
        assert re.search(r'tests="(\d+)"', text).group(1) == re.search(
            r'skipped="(\d+)"', text).group(1)


def _timed_front(hostile, upstream):
    """A front forwarding to the mock that notes when each request arrived (monotonic s)."""
    arrivals: list[float] = []

    def timed(server, request):
        arrivals.append(time.monotonic())
        return Forward()

    return hostile(timed, upstream), arrivals


def test_under_xdist_workers_share_one_budget_and_one_pace(tmp_path, hostile, upstream):
    """-n 2: the budget is the run's (spent to the last request, never exceeded, whichever
    worker sends) and the rate holds request by request, not on average in pairs."""
    counter, arrivals = _timed_front(hostile, upstream)
    done = conformance_run("--base-url", counter.url, "--api", "po", "--profile", "smoke",
                           "--max-requests", "10", "--rate-limit", "8/s", "-n", "2",
                           "--report-dir", str(tmp_path), env=ENV)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr[-2000:]
    assert len(counter.requests) == 10  # the pre-flight included
    gaps = [b - a for a, b in itertools.pairwise(sorted(arrivals))]
    assert min(gaps) >= 1 / 8 - CLOCK_TOLERANCE, gaps  # whichever worker sends


def test_the_rate_limit_holds_in_every_window_of_one_second(tmp_path, hostile, upstream):
    """--rate-limit 5/s with requests in flight side by side: no two arrive less than 1/5 s
    apart, so no second of the target's clock ever counts a sixth (a strict gateway's view)."""
    counter, arrivals = _timed_front(hostile, upstream)
    done = conformance_run("--base-url", counter.url, "--api", "po", "--profile", "smoke",
                           "--rate-limit", "5/s", "--concurrency", "4", "--seed", "3",
                           "--report-dir", str(tmp_path), env=ENV)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    arrivals.sort()
    assert len(arrivals) >= 10
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert min(gaps) >= 1 / 5 - CLOCK_TOLERANCE, gaps
    assert max(sum(t <= u < t + 1 for u in arrivals) for t in arrivals) <= 5
