"""The contract every registered gateway connector passes, each against its provider's fake (tests/contract/
gateways.py says how). Connector-specific behaviour (wire format, error mapping tables, Level 2/3) stays in
tests/gateways/."""

from __future__ import annotations

import io
import itertools
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import cast

import httpx
import pytest

from payhub.domain.errors import (
    CapabilityUnsupported,
    Declined,
    DomainError,
    GatewayError,
    GatewayTimeout,
    InsufficientFunds,
    KeyConflict,
    LookupUnsupported,
    NotificationRejected,
    ProcessingError,
)
from payhub.domain.methods import PaymentMethod
from payhub.domain.money import Money
from payhub.domain.settlement import SettlementFileInvalid
from payhub.gateways.registry import GATEWAYS
from payhub.ports import (
    CAPABILITIES,
    DISPUTE_EVIDENCE,
    DISPUTES,
    FIND_CHARGE,
    NOTIFICATIONS,
    REFUND_PARTIAL,
    SETTLEMENT_FILES,
    SETTLEMENT_REPORTS,
    AuthorizeRequest,
    Gateway,
    GatewayResult,
    NotificationSource,
    Settlement,
    SettlementFiles,
)
from tests.contract.gateways import CASES, GatewayCase
from tests.contract.transport import httpx_in_chain, transport_errors

PATIENT_S, IMPATIENT_S = 10.0, 0.2
_keys = itertools.count(1)


@pytest.fixture(params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> Iterator[GatewayCase]:
    with CASES[request.param]() as made:
        yield made


@pytest.fixture
def gateway(case: GatewayCase) -> Gateway:
    return case.connect(PATIENT_S)


def key() -> str:
    return f"pay_contract_{next(_keys)}"


def usd(amount: int) -> Money:
    return Money(amount, "USD")


def request(method: PaymentMethod, amount: int = 10000, capture: bool = False,
            idempotency_key: str | None = None) -> AuthorizeRequest:
    return AuthorizeRequest(usd(amount), method, capture=capture, idempotency_key=idempotency_key or key(),
                            description="INV-1001")


def test_every_registered_gateway_is_in_the_contract() -> None:
    assert set(CASES) == set(GATEWAYS)


def test_capabilities_are_declared_from_the_known_set(gateway: Gateway) -> None:
    assert isinstance(gateway.capabilities, frozenset)
    assert gateway.capabilities <= CAPABILITIES


# --- outcomes and their error classes --------------------------------------------------------------

@pytest.mark.parametrize("capture", [False, True])
def test_an_approved_authorization_has_a_reference(gateway: Gateway, case: GatewayCase, capture: bool) -> None:
    before = case.charges()
    result = gateway.authorize(request(case.approved, capture=capture))
    assert result.reference
    assert case.charges() == before + 1


def test_a_decline_is_final(gateway: Gateway, case: GatewayCase) -> None:
    with pytest.raises(Declined) as declined:
        gateway.authorize(request(case.declined))
    assert type(declined.value) is Declined
    assert (declined.value.code, declined.value.retryable) == ("card_declined", False)
    with pytest.raises(InsufficientFunds) as nsf:
        gateway.authorize(request(case.insufficient_funds))
    assert (nsf.value.code, nsf.value.retryable) == ("insufficient_funds", False)
    assert case.charges() == 0


def test_a_processing_error_is_retryable_and_no_decline(gateway: Gateway, case: GatewayCase) -> None:
    method, amount = case.processing_error
    with pytest.raises(ProcessingError) as error:
        gateway.authorize(request(method, amount))
    assert error.value.retryable is True and not isinstance(error.value, Declined)
    assert case.charges() == 0


def test_refused_credentials_are_a_final_gateway_error(case: GatewayCase) -> None:
    if case.bad_credentials is None:
        pytest.skip("this connector has no credentials")
    with pytest.raises(GatewayError) as error:
        case.bad_credentials().authorize(request(case.approved))
    assert (error.value.code, error.value.retryable) == ("gateway_auth_failed", False)
    assert not isinstance(error.value, Declined | ProcessingError | GatewayTimeout)
    assert case.charges() == 0


# --- idempotency -------------------------------------------------------------------------------------

def test_a_lost_answer_times_out_and_the_replay_finds_the_same_charge(case: GatewayCase) -> None:
    method, amount = case.lost_answer
    same = key()
    with pytest.raises(GatewayTimeout) as timeout:
        case.connect(IMPATIENT_S).authorize(request(method, amount, idempotency_key=same))
    assert timeout.value.retryable is True and not httpx_in_chain(timeout.value)
    # The provider does charge (that is what makes a timeout ambiguous); on a busy machine it may finish after
    # the client gave up, so wait for it rather than for a fixed time.
    deadline = time.monotonic() + 10
    while case.charges() == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert case.charges() == 1

    patient = case.connect(PATIENT_S)
    replayed = _replay(patient, request(method, amount, idempotency_key=same))
    again = patient.authorize(request(method, amount, idempotency_key=same))
    assert again.reference == replayed.reference
    assert case.charges() == 1  # no second charge
    if FIND_CHARGE in patient.capabilities:
        found = patient.find_charge(same)
        assert found is not None and found.reference == replayed.reference


def _replay(gateway: Gateway, sent: AuthorizeRequest) -> GatewayResult:
    """Replay `sent`; a provider still finishing the first request under its key says so (KeyConflict): ask again."""
    for _ in range(200):
        try:
            return gateway.authorize(sent)
        except KeyConflict:
            time.sleep(0.05)
    return gateway.authorize(sent)


def test_a_replayed_authorization_is_one_charge(gateway: Gateway, case: GatewayCase) -> None:
    same = key()
    first = gateway.authorize(request(case.approved, idempotency_key=same))
    assert gateway.authorize(request(case.approved, idempotency_key=same)) == first
    other = gateway.authorize(request(case.approved))
    assert other.reference != first.reference
    assert case.charges() == 2


def test_capture_is_idempotent(gateway: Gateway, case: GatewayCase) -> None:
    charge = gateway.authorize(request(case.approved, 10000)).reference
    untouched = case.effects(charge)
    first = gateway.capture(charge, usd(6000), f"{charge}:capture")
    captured = case.effects(charge)
    assert captured != untouched
    assert gateway.capture(charge, usd(6000), f"{charge}:capture") == first
    assert case.effects(charge) == captured  # no double effect


def test_void_is_idempotent(gateway: Gateway, case: GatewayCase) -> None:
    charge = gateway.authorize(request(case.approved)).reference
    first = gateway.void(charge, f"{charge}:void")
    voided = case.effects(charge)
    assert gateway.void(charge, f"{charge}:void") == first
    assert case.effects(charge) == voided


def test_refund_is_idempotent(gateway: Gateway, case: GatewayCase) -> None:
    charge = gateway.authorize(request(case.approved, 10000, capture=True)).reference
    captured = case.effects(charge)
    first = gateway.refund(charge, usd(2500), "rfd_contract_1")
    refunded = case.effects(charge)
    assert refunded != captured
    assert gateway.refund(charge, usd(2500), "rfd_contract_1") == first
    assert case.effects(charge) == refunded  # no double effect

    if REFUND_PARTIAL in gateway.capabilities:  # another key is another refund
        second = gateway.refund(charge, usd(2500), "rfd_contract_2")
        assert second.reference != first.reference and case.effects(charge) != refunded


# --- what a connector cannot do, it says ---------------------------------------------------------

def test_find_charge_of_a_key_never_sent(gateway: Gateway, case: GatewayCase) -> None:
    sent = key()
    made = gateway.authorize(request(case.approved, idempotency_key=sent))
    if FIND_CHARGE in gateway.capabilities:
        assert gateway.find_charge(key()) is None
        found = gateway.find_charge(sent)
        assert found is not None and found.reference == made.reference
    else:
        with pytest.raises(LookupUnsupported) as error:
            gateway.find_charge(key())
        assert error.value.code == "lookup_unsupported"


def test_settlement_is_reported_or_declared_unsupported(gateway: Gateway, case: GatewayCase) -> None:
    charge = gateway.authorize(request(case.approved, capture=True)).reference
    if SETTLEMENT_REPORTS in gateway.capabilities:
        assert isinstance(gateway.settlement(charge), Settlement)
    else:
        with pytest.raises(CapabilityUnsupported) as error:
            gateway.settlement(charge)
        assert (error.value.code, error.value.capability) == ("capability_unsupported", SETTLEMENT_REPORTS)
        assert error.value.connector == gateway.name


# --- notifications, settlement files, disputes ------------------------------------------------------------

JUNK_BODIES = [b"", b"{}", b"not json", b"[]", b'{"id": "evt_1", "type": "charge.dispute.created"}',
               b'{"notificationItems": [{"NotificationRequestItem": {}}]}', b"\xff\xfe\x00"]
JUNK_HEADERS = [{}, {"stripe-signature": "t=1,v1=00"}, {"simulator-signature": "garbage"},
                {"authorization": "Basic Zm9vOmJhcg=="}]


def test_notifications_are_never_accepted_unverified(gateway: Gateway) -> None:
    """A connector without its secret configured, or a request without a valid signature: NotificationRejected
    (or one of its kinds), never anything a route would turn into a 500."""
    if NOTIFICATIONS not in gateway.capabilities:
        pytest.skip("this connector reads no notifications")
    source = cast(NotificationSource, gateway)
    for headers in JUNK_HEADERS:
        for body in JUNK_BODIES:
            with pytest.raises(NotificationRejected):
                source.read_notifications(headers, body, datetime(2026, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize("data", [b"", b"\n\n", b"a,b,c\n1,2,3\n", b"\xff\xfe\x00garbage\n", b'"unclosed\n'],
                         ids=["empty", "blank", "other-columns", "not-utf8", "bad-csv"])
def test_a_settlement_file_that_is_not_the_providers_is_refused_naming_a_line(gateway: Gateway,
                                                                               data: bytes) -> None:
    if SETTLEMENT_FILES not in gateway.capabilities:
        pytest.skip("this connector parses no settlement files")
    with pytest.raises(SettlementFileInvalid) as error:
        list(cast(SettlementFiles, gateway).read_settlement_report(io.BytesIO(data)))
    assert error.value.line >= 1


def test_dispute_evidence_comes_with_disputes(gateway: Gateway) -> None:
    if DISPUTE_EVIDENCE in gateway.capabilities:
        assert DISPUTES in gateway.capabilities
        assert callable(getattr(gateway, "submit_dispute_evidence", None))
    if NOTIFICATIONS in gateway.capabilities:
        assert callable(getattr(gateway, "read_notifications", None))
    if SETTLEMENT_FILES in gateway.capabilities:
        assert callable(getattr(gateway, "read_settlement_report", None))


# --- the transport never leaks out --------------------------------------------------------------

def _calls(case: GatewayCase) -> dict[str, Callable[[Gateway], object]]:
    ref = case.reference
    return {
        "authorize": lambda g: g.authorize(request(case.approved)),
        "capture": lambda g: g.capture(ref, usd(100), "k:capture"),
        "void": lambda g: g.void(ref, "k:void"),
        "refund": lambda g: g.refund(ref, usd(100), "k:refund"),
        "settlement": lambda g: g.settlement(ref),
        "find_charge": lambda g: g.find_charge("k"),
    }


def _only_domain_errors(case: GatewayCase, transport: httpx.BaseTransport) -> None:
    assert case.over is not None
    gateway = case.over(transport)
    for name, call in _calls(case).items():
        with pytest.raises(DomainError) as error:
            call(gateway)
        assert not httpx_in_chain(error.value), name


@pytest.mark.parametrize("raised", transport_errors(), ids=lambda c: c.__name__)
def test_no_transport_exception_escapes(case: GatewayCase, raised: type[httpx.HTTPError]) -> None:
    if case.over is None:
        pytest.skip("this connector makes no HTTP calls")

    def fail(sent: httpx.Request) -> httpx.Response:
        raise raised("boom", request=sent) if issubclass(raised, httpx.RequestError) else raised("boom")

    _only_domain_errors(case, httpx.MockTransport(fail))


@pytest.mark.parametrize(("status", "body"), [
    (200, b"<html>a proxy's page</html>"), (200, b'{"truncated'), (200, b"[]"), (200, b""),
    (500, b"<html>bad gateway</html>"), (503, b""), (404, b"{}"), (302, b""),
])
def test_an_unreadable_answer_is_a_domain_error(case: GatewayCase, status: int, body: bytes) -> None:
    if case.over is None:
        pytest.skip("this connector makes no HTTP calls")
    _only_domain_errors(case, httpx.MockTransport(lambda _: httpx.Response(status, content=body)))
