"""Crash points for fault-injection tests. Inactive unless PAYHUB_CRASH_AT names a point, which only tests set.

    PAYHUB_CRASH_AT=refund.after_gateway                 the process SIGKILLs itself there (no cleanup at all)
    PAYHUB_CRASH_AT=refund.after_gateway PAYHUB_CRASH_ACTION=db_error
                                                         a database failure is raised there instead

Points: {payment,capture,void,refund}.{after_intent,after_gateway,before_commit,after_commit};
settlement.after_lines (the file's lines written, not committed), settlement.after_commit (the batches
committed, their postings not yet sent to an ERP outside PayHub's database); notification.after_commit (the
dispute recorded, its postings not yet posted); dispute_evidence.after_intent (the submission on record, the
gateway not called), dispute_evidence.after_gateway (the gateway took the evidence, PayHub did not record it);
writeoff.after_commit (the resolution and its posting committed, the posting not yet sent)."""

from __future__ import annotations

import os
import signal

from sqlalchemy.exc import OperationalError


class InjectedDatabaseFailure(OperationalError):
    def __init__(self, point: str) -> None:
        super().__init__(f"injected at {point}", None, Exception("injected database failure"))


def point(name: str) -> None:
    if os.environ.get("PAYHUB_CRASH_AT") != name:
        return
    if os.environ.get("PAYHUB_CRASH_ACTION", "kill") == "db_error":
        raise InjectedDatabaseFailure(name)
    os.kill(os.getpid(), signal.SIGKILL)
