"""The event bus relay against the real NATS server (127.0.0.1:4222, JetStream): each test gets its own
stream and subject prefix, deleted afterwards. Skipped only when NATS is unreachable outside CI."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from payhub.cli import app as cli
from payhub.services import Services
from payhub.settings import Settings
from payhub.store.leases import take_lease
from payhub.store.models import OutboxEvent, RelayLease
from payhub.webhooks.relay import NatsPublisher, Relay, RelaySettings, build_relay, redact_url, subject_for
from payhub.webhooks.worker import event_body
from tests.helpers import pay_body
from tests.webhooks.conftest import FakeClock

nats = pytest.importorskip("nats")

CI = os.environ.get("CI", "").lower() == "true"
NATS_URL = os.environ.get("PAYHUB_TEST_NATS_URL", "nats://127.0.0.1:4222")


@dataclass
class Bus:
    runner: asyncio.Runner
    js: Any
    stream: str
    prefix: str

    def messages(self) -> list[Any]:
        async def read() -> list[Any]:
            info = await self.js.stream_info(self.stream)
            return [await self.js.get_msg(self.stream, seq)
                    for seq in range(info.state.first_seq, info.state.last_seq + 1)] if info.state.messages else []

        return self.runner.run(read())

    def relay(self, svc: Services, holder: str | None = None, publisher: Any = None) -> Relay:
        return Relay(svc, publisher or NatsPublisher(NATS_URL, timeout_s=5.0),
                     RelaySettings(subject_prefix=self.prefix, lease=timedelta(seconds=30)), holder=holder)

    def drain(self, relay: Relay, rounds: int = 20) -> int:
        async def go() -> int:
            total = 0
            for _ in range(rounds):
                n = await relay.run_once()
                total += n
                if n == 0:
                    break
            return total

        return self.runner.run(go())


@pytest.fixture
def bus() -> Iterator[Bus]:
    with asyncio.Runner() as runner:
        try:
            nc = runner.run(nats.connect(NATS_URL, connect_timeout=2, allow_reconnect=False))
        except Exception as error:
            if CI:
                pytest.fail(f"CI=true but NATS is unreachable at {NATS_URL}: {error!r}")
            pytest.skip(f"NATS unreachable at {NATS_URL} ({type(error).__name__}); start nats-server -js to run")
        js = nc.jetstream(timeout=5.0)
        token = uuid.uuid4().hex[:12]
        bus = Bus(runner, js, f"PAYHUB_TEST_{token}", f"payhubtest{token}")
        runner.run(js.add_stream(name=bus.stream, subjects=[f"{bus.prefix}.>"]))
        try:
            yield bus
        finally:
            runner.run(js.delete_stream(bus.stream))
            runner.run(nc.close())


def outbox(svc: Services) -> list[OutboxEvent]:
    with svc.read() as s:
        return list(s.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).all())


def published(bus: Bus) -> list[tuple[str, str]]:
    return [(m.subject, m.headers["Nats-Msg-Id"]) for m in bus.messages()]


def expected(bus: Bus, events: list[OutboxEvent]) -> list[tuple[str, str]]:
    return [(f"{bus.prefix}.{e.entity_id}.{e.type}", e.id) for e in events]


def test_payment_events_reach_jetstream_in_order(admin: TestClient, services: Services, bus: Bus) -> None:
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 2_500)).json()
    events = outbox(services)
    assert [e.type for e in events] == ["payment.completed", "posting.confirmed"]

    relay = bus.relay(services)
    assert bus.drain(relay) == 2
    bus.runner.run(relay.aclose())

    messages = bus.messages()
    assert [(m.subject, m.headers["Nats-Msg-Id"]) for m in messages] == [
        (f"{bus.prefix}.ent_demo.payment.completed", events[0].id),
        (f"{bus.prefix}.ent_demo.posting.confirmed", events[1].id)]
    assert [m.data for m in messages] == [event_body(e) for e in events]  # the webhooks' JSON, byte for byte
    completed = json.loads(messages[0].data)
    assert completed["type"] == "payment.completed" and completed["data"]["id"] == payment["id"]
    assert all(e.relayed_at is not None for e in outbox(services))


class CrashAfterAck:
    """A publisher whose process dies right after the bus acknowledged event number `at` (1-based),
    before the relay could record it."""

    def __init__(self, inner: NatsPublisher, at: int) -> None:
        self.inner, self.at, self.count = inner, at, 0

    async def publish(self, subject: str, event_id: str, body: bytes) -> None:
        await self.inner.publish(subject, event_id, body)
        self.count += 1
        if self.count == self.at:
            raise SystemExit("killed")

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_a_killed_relay_resumes_without_loss_or_duplicates(admin: TestClient, services: Services, bus: Bus,
                                                           clock: FakeClock) -> None:
    for invoice in ("inv_acme_1001", "inv_acme_1002"):
        assert admin.post("/v1/payments", json=pay_body(invoice, 1_000)).status_code == 201
    events = outbox(services)
    assert len(events) == 4

    crashed = CrashAfterAck(NatsPublisher(NATS_URL), at=3)
    first = bus.relay(services, holder="first", publisher=crashed)
    with pytest.raises(SystemExit):
        bus.runner.run(first.run_once())
    # the bus holds 3 events; only the 2 the relay saw acknowledged before dying are recorded
    assert published(bus) == expected(bus, events[:3])
    assert [e.relayed_at is not None for e in outbox(services)] == [True, True, False, False]

    second = bus.relay(services, holder="second")
    assert bus.drain(second) == 0  # the dead relay's lease still runs: one leader at a time
    clock.advance(31)
    assert bus.drain(second) == 2  # event 3 again (deduplicated by the stream) and event 4
    bus.runner.run(second.aclose())
    bus.runner.run(crashed.aclose())

    assert published(bus) == expected(bus, events)
    assert all(e.relayed_at is not None for e in outbox(services))


class StalledThenUsurped:
    """A publisher whose first publish stalls past the lease, during which another relay takes the lead."""

    def __init__(self, inner: NatsPublisher, svc: Services, clock: FakeClock) -> None:
        self.inner, self.svc, self.clock, self.count = inner, svc, clock, 0

    async def publish(self, subject: str, event_id: str, body: bytes) -> None:
        await self.inner.publish(subject, event_id, body)
        self.count += 1
        if self.count == 1:
            self.clock.advance(31)
            with self.svc.transaction() as s:
                assert take_lease(s, "nats", "usurper", self.clock.now(), timedelta(seconds=30))

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_a_relay_that_lost_its_lease_stops_mid_batch(admin: TestClient, services: Services, bus: Bus,
                                                     clock: FakeClock) -> None:
    for invoice in ("inv_acme_1001", "inv_acme_1002"):
        assert admin.post("/v1/payments", json=pay_body(invoice, 1_000)).status_code == 201
    events = outbox(services)
    slow = bus.relay(services, holder="slow", publisher=StalledThenUsurped(NatsPublisher(NATS_URL), services, clock))
    assert bus.runner.run(slow.run_once()) == 1  # renewing before event 2 fails: it stops, recording event 1
    assert published(bus) == expected(bus, events[:1])

    usurper = bus.relay(services, holder="usurper")
    assert bus.drain(usurper) == 3
    bus.runner.run(usurper.aclose())
    bus.runner.run(slow.publisher.aclose())
    assert published(bus) == expected(bus, events)


def test_relaying_the_same_events_twice_adds_nothing_to_the_stream(admin: TestClient, services: Services,
                                                                   bus: Bus) -> None:
    admin.post("/v1/payments", json=pay_body("inv_acme_1001", 2_500))
    relay = bus.relay(services)
    assert bus.drain(relay) == 2
    with services.transaction() as s:  # as if the progress had been lost
        s.execute(update(OutboxEvent).values(relayed_at=None))
    assert bus.drain(relay) == 2
    bus.runner.run(relay.aclose())
    assert published(bus) == expected(bus, outbox(services))


def test_run_publishes_until_stopped_and_releases_its_lease(admin: TestClient, services: Services,
                                                            bus: Bus) -> None:
    admin.post("/v1/payments", json=pay_body("inv_acme_1001", 2_500))
    relay = bus.relay(services, holder="loop")

    async def go() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(relay.run(stop))
        deadline = time.monotonic() + 15
        while (await bus.js.stream_info(bus.stream)).state.messages < 2:
            assert time.monotonic() < deadline, "the relay did not publish"
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(task, 15)

    bus.runner.run(go())
    assert published(bus) == expected(bus, outbox(services))
    with services.read() as s:
        lease = s.get(RelayLease, "nats")
        assert lease is not None and lease.holder == "loop" and lease.lease_until <= services.clock.now()
    # released: another relay leads at once
    with services.transaction() as s:
        assert take_lease(s, "nats", "next", services.clock.now(), timedelta(seconds=30))


def test_one_leader_at_a_time(services: Services) -> None:
    now = services.clock.now()
    lease = timedelta(seconds=30)
    with services.transaction() as s:
        assert take_lease(s, "nats", "a", now, lease)
    with services.transaction() as s:
        assert not take_lease(s, "nats", "b", now + timedelta(seconds=10), lease)
        assert take_lease(s, "nats", "a", now + timedelta(seconds=10), lease)  # renewed until +40 s
    with services.transaction() as s:
        assert not take_lease(s, "nats", "b", now + timedelta(seconds=35), lease)
        assert take_lease(s, "nats", "b", now + timedelta(seconds=41), lease)
        assert take_lease(s, "other-bus", "a", now, lease)  # leases are per relay name


def test_relay_is_off_by_default(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAYHUB_RELAY_NATS_URL", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.relay_nats_url is None and build_relay(services, settings) is None
    relay = build_relay(services, Settings(_env_file=None, relay_nats_url=NATS_URL))  # type: ignore[call-arg]
    assert relay is not None and relay.settings.subject_prefix == "payhub"


def test_subjects_and_redacted_urls() -> None:
    assert subject_for("payhub", "ent_demo", "payment.completed") == "payhub.ent_demo.payment.completed"
    assert subject_for("payhub", "ent a.b*>", "payment.failed") == "payhub.ent_a_b__.payment.failed"
    assert redact_url("nats://relay:s3cret@bus.example:4222") == "nats://bus.example:4222"
    assert redact_url("tls://token123@bus.example") == "tls://bus.example"


def test_payhub_relay_command_publishes_until_sigterm(admin: TestClient, services: Services, db_url: str,
                                                      bus: Bus) -> None:
    admin.post("/v1/payments", json=pay_body("inv_acme_1001", 2_500))
    env = {**os.environ, "PAYHUB_DATABASE_URL": db_url, "PAYHUB_SECRET_KEY": "test-secret",
           "PAYHUB_RELAY_NATS_URL": NATS_URL, "PAYHUB_RELAY_SUBJECT_PREFIX": bus.prefix}
    process = subprocess.Popen([sys.executable, "-m", "payhub.cli", "relay"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while len(bus.messages()) < 2:
            assert process.poll() is None, process.communicate()[0].decode()
            assert time.monotonic() < deadline, "payhub relay did not publish"
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, output
    assert published(bus) == expected(bus, outbox(services))
    with services.read() as s:  # a graceful stop hands the lead over at once
        lease = s.get(RelayLease, "nats")
        assert lease is not None and lease.lease_until <= services.clock.now()


def test_payhub_relay_command_needs_a_nats_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAYHUB_RELAY_NATS_URL", raising=False)
    result = CliRunner().invoke(cli, ["relay"])
    assert result.exit_code == 2 and "PAYHUB_RELAY_NATS_URL" in result.output
