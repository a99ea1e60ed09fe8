"""50 concurrent clients upserting events on one PO: no update lost, no duplicate, no 5xx."""

import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from mock_support import smat_path

CLIENTS = 50
UPDATES_PER_CLIENT = 3
SHARED_NEW_ATTP_ID = 39999999999  # every client creates this one event at the same moment


def _client_run(base_url, path, auth, index, barrier, statuses):
    own_attp = 31000000000 + index
    with requests.Session() as session:
        barrier.wait(timeout=10)
        for update in range(1, UPDATES_PER_CLIENT + 1):
            events = [{"AttpId": own_attp, "OrderSeq": index, "PpeCode": f"C{index}",
                       "PaymentWeeks": update},
                      {"AttpId": SHARED_NEW_ATTP_ID, "OrderSeq": 1, "PpeCode": "SHARED",
                       "PaymentWeeks": index}]
            response = session.post(base_url + path, json={"PPE": events}, headers=auth,
                                    timeout=20)
            statuses.append(response.status_code)


def test_concurrent_upserts_lose_nothing_and_duplicate_nothing(ref):
    agreement = ref.bodies.open_agreement()
    path = smat_path(agreement.project, agreement.discipline, agreement.language,
                     agreement.po_id)
    barrier, statuses = threading.Barrier(CLIENTS), []
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        futures = [pool.submit(_client_run, ref.base_url, path, ref.smat_auth, i, barrier,
                               statuses) for i in range(CLIENTS)]
        for future in futures:
            future.result()
    assert len(statuses) == CLIENTS * UPDATES_PER_CLIENT
    assert [s for s in statuses if s >= 500] == []
    assert set(statuses) == {200}
    final = ref.smat([ref.bodies.existing_event()]).json()["value"]
    by_attp: dict[int, list[dict]] = {}
    for event in final:
        by_attp.setdefault(event["AttpId"], []).append(event)
    assert all(len(events) == 1 for events in by_attp.values()), "duplicate events"
    for index in range(CLIENTS):
        assert by_attp[31000000000 + index][0]["PaymentWeeks"] == UPDATES_PER_CLIENT
    assert by_attp[SHARED_NEW_ATTP_ID][0]["PaymentWeeks"] in range(CLIENTS)
    assert len(final) == len(agreement.events) + CLIENTS + 1
    assert len({e["PpeId"] for e in final}) == len(final)
