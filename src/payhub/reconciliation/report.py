"""The reconciliation report of one entity, gateway and day: what settled (by currency and line type), what of
it matched, the fees, and the exceptions by class. As JSON, or as CSV for a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from typing import Any

from payhub.services import Services
from payhub.store import reconciliation as store
from payhub.views import money

CSV_COLUMNS = ("section", "currency", "name", "status", "count", "gross", "fees", "net", "difference")


def daily(svc: Services, entity_id: str, gateway: str | None, day: date) -> dict[str, Any]:
    with svc.read() as s:
        lines = store.day_lines(s, entity_id, gateway, day)
        breaks = store.day_exceptions(s, entity_id, gateway, day)
    settled: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    matched: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    everything: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # per currency: its fees
    for currency, type_, unmatched, count, gross, fee, net in lines:
        for acc in (settled[(currency, type_)], everything[currency],
                    *([] if unmatched else [matched[currency]])):
            acc[0] += int(count)
            acc[1] += int(gross or 0)
            acc[2] += int(fee or 0)
            acc[3] += int(net or 0)

    def sums(currency: str, acc: list[int]) -> dict[str, Any]:
        return {"currency": currency, "lines": acc[0], "gross": money(acc[1], currency),
                "fees": money(acc[2], currency), "net": money(acc[3], currency)}

    return {
        "object": "reconciliation_report", "entity": entity_id, "gateway": gateway, "date": day.isoformat(),
        "settled": [{"type": t, **sums(c, acc)} for (c, t), acc in sorted(settled.items())],
        "matched": [sums(c, acc) for c, acc in sorted(matched.items())],
        "fees": [{"currency": c, "amount": money(acc[2], c)} for c, acc in sorted(everything.items())],
        "exceptions": [{"class": cls, "currency": cur, "status": status, "count": int(count),
                        "difference": money(int(diff or 0), cur)}
                       for cls, cur, status, count, diff in sorted(breaks, key=lambda r: (r[0], r[1], r[2]))],
    }


def as_csv(report: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in report["settled"]:
        writer.writerow(("settled", row["currency"], row["type"], "", row["lines"], row["gross"]["amount"],
                         row["fees"]["amount"], row["net"]["amount"], ""))
    for row in report["matched"]:
        writer.writerow(("matched", row["currency"], "", "", row["lines"], row["gross"]["amount"],
                         row["fees"]["amount"], row["net"]["amount"], ""))
    for row in report["exceptions"]:
        writer.writerow(("exception", row["currency"], row["class"], row["status"], row["count"], "", "", "",
                         row["difference"]["amount"]))
    return out.getvalue()
