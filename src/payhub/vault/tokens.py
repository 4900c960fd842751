"""Tokens: a card or bank account checked, sealed and kept behind an opaque `tok_…`. A payment names a token or
a saved method; the pipeline sees its summary (routing, fees, Level 2/3, receipts) and gets the card itself only
to hand it to the gateway, in memory, for that one call."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from payhub.domain.errors import CustomerMismatch, TokenExpired, TokenNotFound, TokenUsed
from payhub.domain.methods import (
    BankAccount,
    Card,
    CardSummary,
    CardToken,
    Method,
    Payable,
    PaymentMethod,
    SavedMethod,
)
from payhub.ids import new_id
from payhub.store import vault as store
from payhub.store.models import VaultToken as TokenRow
from payhub.vault.crypto import Keyring, Sealed

TOKEN_TTL = timedelta(minutes=30)  # an unsaved token is for the payment being made now


@dataclass(frozen=True)
class Described:
    """A payment method as the pipeline sees it before the gateway call: never the card number itself."""

    method: Method
    card: CardSummary | None = None
    bank_last4: str | None = None
    account_type: str | None = None
    token_id: str | None = None  # a vault token: the gateway gets the card the vault reveals
    payment_method_id: str | None = None  # … kept as this saved method
    customer_id: str | None = None  # a token or saved method that only this customer may pay with

    @property
    def single_use(self) -> bool:
        return self.token_id is not None and self.payment_method_id is None


def bound_to(row: TokenRow) -> bytes:
    """The associated data of a token's ciphertext: its own id and entity, so it opens nowhere else."""
    return f"{row.id}|{row.entity_id}".encode()


def tokenize(s: Session, keyring: Keyring, entity_id: str, customer_id: str | None, method: Card | BankAccount,
             now: datetime, holder_name: str | None = None) -> TokenRow:
    """Seal a checked card (without its CVC, which is never kept) or bank account behind a new token."""
    if isinstance(method, Card):
        summary = method.summary
        kind, shown = Method.CARD, {"brand": summary.brand, "last4": summary.last4, "exp_month": summary.exp_month,
                                    "exp_year": summary.exp_year, "bin": summary.bin, "funding": summary.funding,
                                    "country": summary.country}
        secret = {"number": method.number, "exp_month": method.exp_month, "exp_year": method.exp_year}
    else:
        kind, shown = Method.ACH, {"last4": method.last4, "routing_number_last4": method.routing_number[-4:],
                                   "account_type": method.account_type, "account_holder_name": holder_name}
        secret = {"routing_number": method.routing_number, "account_number": method.account_number,
                  "account_type": method.account_type}
    row = TokenRow(id=new_id("tok"), entity_id=entity_id, customer_id=customer_id, kind=kind.value, summary=shown,
                   created_at=now, expires_at=now + TOKEN_TTL)
    sealed = keyring.seal(json.dumps(secret).encode(), bound_to(row))
    row.key_id, row.sealed = sealed.key_id, sealed.blob
    s.add(row)
    return row


def describe(s: Session, entity_id: str, method: Payable, now: datetime, payment_id: str | None = None) -> Described:
    """What routing, fees and the payment record may know of a method. A vault token must exist in this
    entity, be unexpired and unused (or used by `payment_id` itself: a resumed payment)."""
    if isinstance(method, Card | CardToken):
        return Described(Method.CARD, card=method.summary)
    if isinstance(method, BankAccount):
        return Described(Method.ACH, bank_last4=method.last4, account_type=method.account_type)
    if isinstance(method, SavedMethod):
        saved = store.get_method(s, entity_id, method.id)
        return _described(store.get_token(s, entity_id, saved.token_id), saved.id, saved.customer_id)
    row = store.get_token(s, entity_id, method.token)
    if row.saved_as is not None:  # a saved method is paid with by its pm_ id, under its customer's consent
        raise TokenUsed("This token is saved as a payment method: pay with the payment method instead",
                        field="payment_method.token")
    if row.used_by is not None and row.used_by != payment_id:
        raise TokenUsed("This token was already used for a payment; tokenize the card again",
                        field="payment_method.token")
    if row.sealed is None or (row.used_by is None and row.expires_at is not None and row.expires_at <= now):
        raise TokenExpired("This token has expired; tokenize the card again", field="payment_method.token")
    return _described(row, None, row.customer_id)


def _described(row: TokenRow, payment_method_id: str | None, customer_id: str | None) -> Described:
    if row.sealed is None:
        raise TokenNotFound(f"No token {row.id}")
    x = row.summary
    if row.kind == Method.ACH:
        return Described(Method.ACH, bank_last4=x["last4"], account_type=x["account_type"], token_id=row.id,
                         payment_method_id=payment_method_id, customer_id=customer_id)
    card = CardSummary(x["brand"], x["last4"], x["exp_month"], x["exp_year"], x.get("bin", ""),
                       x.get("funding", "unknown"), x.get("country"))
    return Described(Method.CARD, card=card, token_id=row.id, payment_method_id=payment_method_id,
                     customer_id=customer_id)


def check_customer(described: Described, customer_id: str) -> None:
    if described.customer_id not in (None, customer_id):
        raise CustomerMismatch("This payment method belongs to another customer", field="payment_method")


def take(s: Session, described: Described, payment_id: str, now: datetime) -> None:
    """A single-use token becomes this payment's, in the intent's transaction: a second payment cannot take it."""
    if described.single_use and described.token_id is not None and not store.bind_token(
            s, described.token_id, payment_id, now):
        raise TokenUsed("This token was already used for a payment; tokenize the card again",
                        field="payment_method.token")


def reveal(s: Session, keyring: Keyring, entity_id: str, described: Described) -> PaymentMethod | None:
    """The card or account itself, for the gateway call only (None: not a vault method)."""
    if described.token_id is None:
        return None
    row = store.get_token(s, entity_id, described.token_id)
    if row.sealed is None:
        raise TokenNotFound(f"No token {row.id}")
    secret: dict[str, Any] = json.loads(keyring.open(Sealed(row.key_id, row.sealed), bound_to(row)))
    if row.kind == Method.ACH:
        return BankAccount(secret["routing_number"], secret["account_number"], secret["account_type"])
    return Card(secret["number"], secret["exp_month"], secret["exp_year"])


def release(s: Session, payment_id: str) -> None:
    store.release_tokens(s, payment_id)
