"""The recovery worker (a janitor, as Kill Bill's is for UNKNOWN payments), run by `payhub worker`.

A crash on either side of a gateway call, or a gateway that never answered, leaves work unfinished:
  - payments `processing` (the process died around the call) or `unknown` (the call timed out);
  - capture, void and refund operations still `pending`;
  - postings `pending` (died before the ERP call) or `failed` and due for a retry;
  - and, not stuck but no longer needed: the sealed cards of spent or expired single-use vault tokens are erased.
Past `Services.recovery_after`, each is finished the way a client retry would: the gateway is asked again under
the same idempotency key (or, for an authorization, asked what became of that key), and the outcome is recorded
with its events. Every recovery is logged and counted (payhub_recoveries_total{kind, outcome})."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import structlog

from payhub import metrics
from payhub.domain.errors import DomainError, PaymentLocked
from payhub.domain.payments import IN_FLIGHT
from payhub.pipeline import pay, posting
from payhub.services import Services
from payhub.store import repo
from payhub.store.models import PaymentOperation
from payhub.vault import upkeep

log = structlog.get_logger(__name__)


def run_once(svc: Services, limit: int = 100) -> Counter[str]:
    """One pass over everything stuck. Returns how many of each kind/outcome it handled."""
    done: Counter[str] = Counter()
    for payment in _stuck_payments(svc, limit):
        done[_count("payment", _recover_payment(svc, payment))] += 1
    for op in _stuck_operations(svc, limit):
        done[_count("operation", _recover_operation(svc, op))] += 1
    postings = posting.retry_due(svc, limit)
    if postings:
        done["posting:retried"] += postings
    erased = upkeep.erase_spent(svc.sessions, svc.clock.now(), [st.value for st in IN_FLIGHT], limit)
    if erased:
        done["vault:erased"] += erased
    return done


def _stuck_payments(svc: Services, limit: int) -> Sequence[tuple[str, str]]:
    now = svc.clock.now()
    with svc.read() as s:
        return repo.stuck_payments(s, [st.value for st in IN_FLIGHT], now - svc.recovery_after, now, limit)


def _stuck_operations(svc: Services, limit: int) -> Sequence[PaymentOperation]:
    now = svc.clock.now()
    with svc.read() as s:
        return repo.stuck_operations(s, now - svc.recovery_after, limit)


def _recover_payment(svc: Services, payment: tuple[str, str]) -> str:
    entity_id, payment_id = payment
    try:
        outcome = pay.recover_payment(svc, entity_id, payment_id)
    except PaymentLocked:
        return "busy"  # a live request (a client's retry) holds it: it is being finished
    except Exception:  # one broken payment must not stop the others
        log.exception("recovery.payment_error", payment=payment_id)
        return "error"
    log.warning("recovery.payment", payment=payment_id, entity=entity_id, outcome=outcome)
    return outcome


def _recover_operation(svc: Services, op: PaymentOperation) -> str:
    try:
        outcome = "already_final" if pay.recover_operation(svc, op) is None else "completed"
    except PaymentLocked:
        return "busy"
    except DomainError as error:  # the gateway refused, or still does not answer: recorded on the operation
        outcome = f"gateway_{error.code}"
    except Exception:
        log.exception("recovery.operation_error", operation=op.id)
        return "error"
    log.warning("recovery.operation", operation=op.id, kind=op.kind, payment=op.payment_id, outcome=outcome)
    return outcome


def _count(kind: str, outcome: str) -> str:
    metrics.RECOVERIES.labels(kind, outcome).inc()
    return f"{kind}:{outcome}"
