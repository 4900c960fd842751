"""Saved payment methods: a vault token a customer keeps, with the consent they accepted. For a bank account the
consent is a NACHA WEB debit authorization: the amount (or its range), how often, and how to revoke it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from payhub.domain.errors import ConsentRequired, CustomerMismatch, TokenUsed
from payhub.domain.methods import Method, VaultToken
from payhub.ids import new_id
from payhub.store import vault as store
from payhub.store.models import SavedPaymentMethod
from payhub.vault.tokens import describe


@dataclass(frozen=True)
class Consent:
    text: str  # exactly what the customer was shown
    ip: str | None = None
    user_agent: str | None = None


def save(s: Session, entity_id: str, customer_id: str, token_id: str, consent: Consent,
         mandate: dict[str, Any] | None, created_by: str, now: datetime) -> SavedPaymentMethod:
    """Keep an unused token for this customer. The consent's time is when PayHub recorded it: now."""
    described = describe(s, entity_id, VaultToken(token_id), now)
    if described.customer_id not in (None, customer_id):
        raise CustomerMismatch("This token belongs to another customer", field="token")
    if not consent.text.strip():
        raise ConsentRequired("Record the consent text the customer accepted", field="consent.text")
    if described.method == Method.ACH and mandate is None:
        raise ConsentRequired("A bank account needs the NACHA WEB authorization: amount or range, frequency and "
                              "how to revoke", field="mandate")
    token = store.get_token(s, entity_id, token_id, lock=True)
    if token.used_by is not None or token.saved_as is not None:
        raise TokenUsed("This token was already used", field="token")
    row = SavedPaymentMethod(
        id=new_id("pm"), entity_id=entity_id, customer_id=customer_id, token_id=token_id, kind=token.kind,
        summary=dict(token.summary), consent_text=consent.text, consent_accepted_at=now, consent_ip=consent.ip,
        consent_user_agent=consent.user_agent, mandate=mandate, created_by=created_by, created_at=now)
    token.saved_as, token.customer_id, token.expires_at = row.id, customer_id, None
    s.add(row)
    return row


def delete(s: Session, entity_id: str, customer_id: str, method_id: str, now: datetime) -> SavedPaymentMethod:
    """Forget a saved method: its card is erased from the vault at once; past payments keep their summary."""
    row = store.get_method(s, entity_id, method_id, customer_id)
    row.deleted_at = now
    token = store.get_token(s, entity_id, row.token_id, lock=True)
    token.sealed = None
    return row


def listed(s: Session, entity_id: str, customer_id: str, limit: int,
           starting_after: str | None) -> tuple[list[SavedPaymentMethod], bool]:
    rows, more = store.methods_of(s, entity_id, customer_id, limit, starting_after)
    return list(rows), more
