"""The gateway contract's connector table: how to build each registered gateway against its fake, and which
requests its fake approves, declines or answers too late. A new gateway is one entry here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass

import httpx

from payhub.domain.methods import Card, CardToken, PaymentMethod
from payhub.gateways.adyen import AdyenGateway
from payhub.gateways.simulator import SimulatorGateway
from payhub.gateways.stripe import StripeGateway
from payhub.ports import Gateway
from tests.gateways.adyen import fake as adyen
from tests.gateways.stripe import fake as stripe

SLOW_S = 1.0  # how late a fake answers a "lost answer" request; the impatient client gives up well before


@dataclass
class GatewayCase:
    connect: Callable[[float], Gateway]  # timeout_s → the connector, talking to the same provider each time
    approved: PaymentMethod
    declined: PaymentMethod
    insufficient_funds: PaymentMethod
    processing_error: tuple[PaymentMethod, int]  # (method, amount) the provider fails on, retryably
    lost_answer: tuple[PaymentMethod, int]  # (method, amount) the provider charges but answers too late
    charges: Callable[[], int]  # charges the provider holds (authorized or captured)
    effects: Callable[[str], object]  # what the provider did to a charge: captures, refunds, voids
    bad_credentials: Callable[[], Gateway] | None = None  # None: the connector has no credentials
    over: Callable[[httpx.BaseTransport], Gateway] | None = None  # None: the connector makes no HTTP calls
    reference: str = "ref_1"  # a well-formed charge reference, for calls that never reach the provider


@contextmanager
def simulator() -> Iterator[GatewayCase]:
    # The simulator is client and provider in one: one instance, its timeout set per "connection".
    sim = SimulatorGateway(timeout_s=0.05)

    def connect(timeout_s: float) -> Gateway:
        sim.timeout_s = timeout_s
        return sim

    yield GatewayCase(
        connect=connect, approved=CardToken("tok_visa"), declined=CardToken("tok_chargeDeclined"),
        insufficient_funds=CardToken("tok_chargeDeclinedInsufficientFunds"),
        processing_error=(CardToken("tok_processingError"), 1000), lost_answer=(CardToken("tok_lostAnswer"), 1000),
        charges=lambda: len(sim.charges), effects=lambda _: dict(sim.operations), reference="sim_ch_1_0")


@contextmanager
def stripe_fake() -> Iterator[GatewayCase]:
    fake = stripe.FakeStripe(slow_s=SLOW_S)
    with ExitStack() as stack:
        url = stack.enter_context(fake.serve())

        def made(gateway: StripeGateway) -> StripeGateway:
            stack.callback(gateway.close)
            return gateway

        def effects(reference: str) -> object:
            intent = fake.intents[reference]
            charge = fake.charges[intent["latest_charge"]]
            refunds = sorted(r["id"] for r in fake.refunds.values() if r["payment_intent"] == reference)
            return intent["status"], intent["amount_received"], charge["amount_refunded"], refunds

        yield GatewayCase(
            connect=lambda timeout_s: made(StripeGateway(stripe.API_KEY, base_url=url, timeout_s=timeout_s)),
            approved=CardToken("pm_card_visa"), declined=CardToken("pm_card_chargeDeclined"),
            insufficient_funds=CardToken("pm_card_chargeDeclinedInsufficientFunds"),
            processing_error=(CardToken("pm_card_visa"), stripe.SERVER_ERROR_AMOUNT),
            lost_answer=(CardToken("pm_card_visa"), stripe.SLOW_AMOUNT),
            charges=lambda: sum(i["status"] in ("requires_capture", "succeeded") for i in fake.intents.values()),
            effects=effects,
            bad_credentials=lambda: made(StripeGateway("sk_test_wrong", base_url=url, timeout_s=5)),
            over=lambda transport: made(StripeGateway(stripe.API_KEY, base_url="https://stripe.invalid",
                                                      transport=transport)),
            reference="pi_1")


@contextmanager
def adyen_fake() -> Iterator[GatewayCase]:
    fake = adyen.FakeAdyen(slow_s=SLOW_S)
    url = fake.start()
    with ExitStack() as stack:
        stack.callback(fake.stop)

        def made(gateway: AdyenGateway) -> AdyenGateway:
            stack.callback(gateway.close)
            return gateway

        def effects(reference: str) -> object:
            payment = fake.payments[reference]
            return payment.captured, payment.refunded, payment.cancelled

        def card(number: str) -> Card:
            return Card(number, 3, 2030, "737")

        yield GatewayCase(
            connect=lambda timeout_s: made(AdyenGateway(adyen.API_KEY, adyen.MERCHANT, base_url=url,
                                                        timeout_s=timeout_s)),
            approved=card("4111111111111111"), declined=card("4000000000000002"),
            insufficient_funds=card("4000000000009995"), processing_error=(card("4000000000000119"), 1000),
            lost_answer=(card("4111111111111111"), adyen.SLOW_AMOUNT),
            charges=lambda: len(fake.payments), effects=effects,
            bad_credentials=lambda: made(AdyenGateway("wrong", adyen.MERCHANT, base_url=url, timeout_s=5)),
            over=lambda transport: made(AdyenGateway(adyen.API_KEY, adyen.MERCHANT,
                                                     base_url="https://adyen.invalid", transport=transport)),
            reference="FAKE000000000001")


# connector type (as in payhub.gateways.registry.GATEWAYS) → its case
CASES: dict[str, Callable[[], AbstractContextManager[GatewayCase]]] = {
    "simulator": simulator, "stripe": stripe_fake, "adyen": adyen_fake}
