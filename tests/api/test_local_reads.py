"""Read routes run on the event loop when all they read is a local SQLite file (the threadpool hop cost more than
the read), and in the threadpool when a read crosses a network (PostgreSQL, a remote ERP), which must never stall
the loop."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from payhub.demo import DEMO_ENTITY
from payhub.services import Services
from tests.helpers import pay_body

READS = ["/v1/invoices/inv_acme_1001", "/v1/customers/cus_acme/invoices", "/v1/payments"]


@contextmanager
def reading_threads(services: Services) -> Iterator[set[str]]:
    """The names of the threads that ran SQL while the block runs."""
    names: set[str] = set()
    engine = services.readers.kw["bind"]

    def executed(*_: object) -> None:
        names.add(threading.current_thread().name)

    event.listen(engine, "before_cursor_execute", executed)
    try:
        yield names
    finally:
        event.remove(engine, "before_cursor_execute", executed)


def on_loop(names: set[str]) -> bool:
    return bool(names) and not any(name.startswith("AnyIO worker thread") for name in names)


@pytest.mark.parametrize("path", READS)
def test_a_read_runs_on_the_event_loop_only_when_everything_it_reads_is_local(
        client: TestClient, services: Services, path: str) -> None:
    payment = client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000)).json()
    local = services.readers.kw["bind"].dialect.name == "sqlite"
    assert services.reads_locally(DEMO_ENTITY) is local
    for url in (path, f"/v1/payments/{payment['id']}"):
        with reading_threads(services) as names:
            response = client.get(url)
        assert response.status_code == 200, response.text
        assert on_loop(names) is local, names


class RemoteErp:
    """The embedded ERP seen as a connector over a network: it has no `within`, so nothing says it is local."""

    def __init__(self, erp: object) -> None:
        self._erp = erp

    def __getattr__(self, name: str) -> object:
        return getattr(self._erp, name)


def test_an_entity_on_a_remote_erp_reads_in_the_threadpool(client: TestClient, services: Services) -> None:
    services.erp = RemoteErp(services.erp)  # type: ignore[assignment]
    assert services.reads_locally(DEMO_ENTITY) is False
    with reading_threads(services) as names:
        response = client.get("/v1/invoices/inv_acme_1001")
    assert response.status_code == 200 and response.json()["id"] == "inv_acme_1001"
    assert names and not on_loop(names), names

