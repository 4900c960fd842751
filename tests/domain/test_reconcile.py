"""The reconciliation engine: each exception class on a small case, clean matches by each pass, a property test
(a ledger, its settlement, one fault injected: exactly that exception), and the proposed resolutions."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payhub.domain.ledger import PostingRules
from payhub.domain.money import Money
from payhub.domain.reconcile import (
    EXCEPTION_SCHEMA,
    GL_SCHEMA,
    LEDGER_SCHEMA,
    MANUAL_SCHEMA,
    SETTLEMENT_SCHEMA,
    ExceptionClass,
    ReconcileConfig,
    ReconcileInputInvalid,
    Reconciliation,
    propose,
    reconcile,
)

AS_OF = datetime(2025, 3, 31, tzinfo=UTC)
DAY = timedelta(days=1)
RULES = PostingRules()


def line(line_id: str, type_: str, ref: str | None, gross: int, fee: int = 0, *, mref: str | None = None,
         currency: str = "USD", at: datetime = AS_OF - 9 * DAY) -> dict[str, Any]:
    return {"line_id": line_id, "batch_id": "po_1", "type": type_, "gateway_reference": ref,
            "merchant_reference": mref, "currency": currency, "gross": gross, "fee": fee, "net": gross - fee,
            "occurred_at": at}


def record(record_id: str, kind: str, ref: str | None, amount: int, *, mref: str | None = None,
           currency: str = "USD", at: datetime = AS_OF - 10 * DAY, reported: bool = False,
           payment_id: str | None = None) -> dict[str, Any]:
    return {"record_id": record_id, "payment_id": payment_id or record_id, "kind": kind, "gateway_reference": ref,
            "merchant_reference": mref, "currency": currency, "amount": amount, "occurred_at": at,
            "settled_reported": reported}


def run(lines: list[dict[str, Any]], records: list[dict[str, Any]], gl: list[dict[str, Any]] | None = None,
        manual: list[tuple[str, str]] | None = None, **config: Any) -> Reconciliation:
    """Reconcile; GL defaults to every record confirmed at its amount."""
    if gl is None:
        gl = [{"record_id": r["record_id"], "status": "confirmed", "amount": r["amount"]} for r in records]
    manual_frame = pl.LazyFrame(manual, schema=MANUAL_SCHEMA, orient="row") if manual is not None else None
    return reconcile(pl.LazyFrame(lines, schema=SETTLEMENT_SCHEMA), pl.LazyFrame(records, schema=LEDGER_SCHEMA),
                     pl.LazyFrame(gl, schema=GL_SCHEMA), ReconcileConfig(as_of=AS_OF, **config), manual_frame)


def found(result: Reconciliation) -> list[tuple[str, str | None, str | None, int | None]]:
    return [tuple(row) for row in result.exceptions.select("class", "line_id", "record_id", "difference").rows()]


def matched(result: Reconciliation) -> set[tuple[str, str, str]]:
    return {tuple(row) for row in result.matches.rows()}


PAYMENT = record("pay_1", "payment", "pi_1", 10_000, mref="INV-1")
PAYMENT_LINE = line("ln_1", "payment", "pi_1", 10_000, 320, mref="INV-1")


# --- one case per exception class ------------------------------------------------------------------------------
@dataclass
class Case:
    lines: list[dict[str, Any]]
    records: list[dict[str, Any]]
    expected: list[tuple[str, str | None, str | None, int | None]]
    gl: list[dict[str, Any]] | None = None
    config: dict[str, Any] | None = None


CASES = {
    "missing_in_ledger": Case([PAYMENT_LINE, line("ln_x", "payment", "pi_unknown", 5_000)], [PAYMENT],
                              [("missing_in_ledger", "ln_x", None, 5_000)]),
    "missing_in_settlement": Case([PAYMENT_LINE], [PAYMENT, record("pay_2", "payment", "pi_2", 2_500, reported=True)],
                                  [("missing_in_settlement", None, "pay_2", -2_500)]),
    "amount_mismatch": Case([{**PAYMENT_LINE, "gross": 9_900, "net": 9_580}], [PAYMENT],
                            [("amount_mismatch", "ln_1", "pay_1", -100)]),
    "duplicate line": Case([PAYMENT_LINE, {**PAYMENT_LINE, "line_id": "ln_1b", "occurred_at": AS_OF - 8 * DAY}],
                           [PAYMENT], [("duplicate", "ln_1b", "pay_1", 10_000)]),
    "duplicate record": Case([PAYMENT_LINE], [PAYMENT, {**PAYMENT, "record_id": "pay_1b", "occurred_at": AS_OF - DAY}],
                             [("duplicate", None, "pay_1b", -10_000)]),
    "currency_mismatch": Case([{**PAYMENT_LINE, "currency": "EUR"}], [PAYMENT],
                              [("currency_mismatch", "ln_1", "pay_1", None)]),
    "unexpected_fee, a fee line": Case([PAYMENT_LINE, line("ln_fee", "fee", None, 0, 127)], [PAYMENT],
                                       [("unexpected_fee", "ln_fee", None, 127)]),
    "unexpected_fee, an adjustment": Case([PAYMENT_LINE, line("ln_adj", "adjustment", None, -250)], [PAYMENT],
                                          [("unexpected_fee", "ln_adj", None, 250)]),
    "unexpected_fee, above expected + tolerance": Case(
        [{**PAYMENT_LINE, "fee": 340, "net": 9_660}], [PAYMENT], [("unexpected_fee", "ln_1", "pay_1", 20)],
        config={"fee_rate_bps": 290, "fee_fixed": 30, "fee_tolerance": 5}),
    "posted_but_not_settled": Case(
        [PAYMENT_LINE],
        [PAYMENT, record("pay_old", "payment", "pi_2", 4_000),
         record("pay_recent", "payment", "pi_3", 4_000, at=AS_OF - 2 * DAY),  # not due yet
         record("pay_unposted", "payment", "pi_4", 4_000)],  # GL pending: not posted
        [("posted_but_not_settled", None, "pay_old", -4_000)],
        gl=[{"record_id": r, "status": "confirmed", "amount": 1} for r in ("pay_1", "pay_old", "pay_recent")]
        + [{"record_id": "pay_unposted", "status": "pending", "amount": 4_000}]),
    "settled_not_posted, pending": Case([PAYMENT_LINE], [PAYMENT], [("settled_not_posted", "ln_1", "pay_1", 10_000)],
                                        gl=[{"record_id": "pay_1", "status": "pending", "amount": 10_000},
                                            {"record_id": "pay_1", "status": "failed", "amount": 10_000}]),
    "settled_not_posted, no posting": Case([PAYMENT_LINE], [PAYMENT], [("settled_not_posted", "ln_1", "pay_1", 10_000)],
                                           gl=[]),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_exception_class(case: Case) -> None:
    result = run(case.lines, case.records, case.gl, **(case.config or {}))
    assert found(result) == case.expected
    assert result.exceptions.schema == EXCEPTION_SCHEMA
    row = result.exceptions.row(0, named=True)
    assert row["fingerprint"] == f"{row['class']}:{row['line_id'] or ''}:{row['record_id'] or ''}"
    assert found(run(case.lines, case.records, case.gl, **(case.config or {}))) == case.expected  # re-run: same
    counts = result.summary.exceptions_by_class
    assert counts[ExceptionClass(case.expected[0][0])] == len(case.expected)
    assert sum(counts.values()) == len(case.expected)


def test_exception_rows_carry_both_sides() -> None:
    gl = [{"record_id": "pay_1", "status": "confirmed", "amount": 10_000}]
    result = run([{**PAYMENT_LINE, "gross": 9_900, "net": 9_580}], [PAYMENT], gl)
    assert result.exceptions.row(0, named=True) == {
        "class": "amount_mismatch", "fingerprint": "amount_mismatch:ln_1:pay_1",
        "line_id": "ln_1", "batch_id": "po_1", "type": "payment", "gateway_reference": "pi_1",
        "merchant_reference": "INV-1", "currency": "USD", "gross": 9_900, "fee": 320, "net": 9_580,
        "occurred_at": AS_OF - 9 * DAY,
        "record_id": "pay_1", "payment_id": "pay_1", "kind": "payment", "ledger_currency": "USD", "amount": 10_000,
        "gl_status": "confirmed", "gl_amount": 10_000, "difference": -100}


def test_fee_within_tolerance_and_any_fee_without_a_rate() -> None:
    within = run([{**PAYMENT_LINE, "fee": 325, "net": 9_675}], [PAYMENT], fee_rate_bps=290, fee_fixed=30,
                 fee_tolerance=5)
    assert found(within) == []
    assert found(run([{**PAYMENT_LINE, "fee": 9_000, "net": 1_000}], [PAYMENT])) == []  # fee_rate_bps None


def test_expected_fee_rounds_half_to_even_like_money() -> None:
    # 250 bps of 1,234,567 ... and of 20 (0.5 → 0, even) and 60 (1.5 → 2)
    for gross in (1_234_567, 20, 60, -60):
        expected = Money(abs(gross), "USD").times(Fraction(250, 10_000)).amount
        exact = line("ln_1", "payment" if gross > 0 else "refund", "pi_1", gross, expected)
        over = {**exact, "fee": expected + 1, "net": gross - expected - 1}
        rec = record("pay_1", exact["type"], "pi_1", gross)
        assert found(run([exact], [rec], fee_rate_bps=250)) == []
        assert found(run([over], [rec], fee_rate_bps=250)) == [("unexpected_fee", "ln_1", "pay_1", 1)]


# --- clean matches by each pass --------------------------------------------------------------------------------
def test_pass_1_gateway_reference() -> None:
    result = run([PAYMENT_LINE], [PAYMENT])
    assert matched(result) == {("ln_1", "pay_1", "gateway_reference")}
    assert found(result) == []


def test_pass_2_merchant_reference() -> None:
    result = run([line("ln_1", "payment", None, 10_000, mref="INV-1")],
                 [record("pay_2", "payment", None, 10_000, mref="INV-1", at=AS_OF - 30 * DAY),
                  record("pay_1", "payment", "pi_1", 10_000, mref="INV-2", at=AS_OF - 9 * DAY)])
    assert ("ln_1", "pay_2", "merchant_reference") in matched(result)


def test_pass_2_never_pairs_conflicting_gateway_references() -> None:
    result = run([line("ln_1", "payment", "pi_9", 10_000, mref="INV-1")],
                 [record("pay_1", "payment", "pi_1", 10_000, mref="INV-1")])
    assert matched(result) == set()
    assert found(result) == [("missing_in_ledger", "ln_1", None, 10_000),
                             ("posted_but_not_settled", None, "pay_1", -10_000)]


def test_pass_3_amount_within_the_window_only_when_unique() -> None:
    at = AS_OF - 10 * DAY
    unique = run([line("ln_1", "payment", None, 7_000, at=at + 3 * DAY)],
                 [record("pay_1", "payment", None, 7_000, at=at),
                  record("pay_far", "payment", None, 7_000, at=at - 4 * DAY, currency="USD"),
                  record("pay_eur", "payment", None, 7_000, at=at, currency="EUR")],
                 gl=[])
    assert matched(unique) == {("ln_1", "pay_1", "amount_window")}
    ambiguous = run([line("ln_1", "payment", None, 7_000, at=at + DAY)],
                    [record("pay_1", "payment", None, 7_000, at=at), record("pay_2", "payment", None, 7_000, at=at)])
    assert matched(ambiguous) == set()
    two_lines = run([line("ln_1", "payment", None, 7_000, at=at), line("ln_2", "payment", None, 7_000, at=at)],
                    [record("pay_1", "payment", None, 7_000, at=at)])
    assert matched(two_lines) == set()
    outside = run([line("ln_1", "payment", None, 7_000, at=at + 3 * DAY + timedelta(seconds=1))],
                  [record("pay_1", "payment", None, 7_000, at=at)])
    assert matched(outside) == set()


def test_partial_refunds_each_take_one_line() -> None:
    records = [PAYMENT] + [record(f"rfd_{i}", "refund", "pi_1", amount, at=AS_OF - (9 - i) * DAY,
                                 payment_id="pay_1") for i, amount in enumerate([-1_000, -2_500, -1_000], 1)]
    lines = [PAYMENT_LINE] + [line(f"ln_r{i}", "refund", "pi_1", amount, at=AS_OF - (8 - i) * DAY)
                              for i, amount in [(3, -1_000), (2, -2_500), (1, -1_000)]]
    result = run(lines, records)
    assert found(result) == []
    assert matched(result) == {("ln_1", "pay_1", "gateway_reference"), ("ln_r1", "rfd_1", "gateway_reference"),
                               ("ln_r2", "rfd_2", "gateway_reference"), ("ln_r3", "rfd_3", "gateway_reference")}
    # one equal refund not settled yet (and not due): no exception, the earlier record took the line
    recent = [*records[:3], {**records[3], "occurred_at": AS_OF - DAY}]
    result = run(lines[:3], recent)
    assert found(result) == []
    assert {m[1] for m in matched(result)} == {"pay_1", "rfd_1", "rfd_2"}


def test_chargeback_and_its_reversal_both_match_the_dispute() -> None:
    records = [PAYMENT, record("dp_1", "chargeback", "pi_1", -10_000, payment_id="pay_1")]
    lines = [PAYMENT_LINE, line("ln_cb", "chargeback", "pi_1", -10_000, at=AS_OF - 5 * DAY),
             line("ln_won", "chargeback_reversal", "pi_1", 10_000, at=AS_OF - 2 * DAY)]
    result = run(lines, records)
    assert found(result) == []
    assert matched(result) == {("ln_1", "pay_1", "gateway_reference"), ("ln_cb", "dp_1", "gateway_reference"),
                               ("ln_won", "dp_1", "gateway_reference")}
    # the reversal does not settle the dispute: without the chargeback line, the record is unsettled
    alone = run([lines[0], lines[2]], records)
    assert found(alone) == [("posted_but_not_settled", None, "dp_1", 10_000)]
    # a reversal of another amount is a mismatch against the dispute, in the line's sign
    short = run([lines[0], lines[1], {**lines[2], "gross": 9_000, "net": 9_000}], records)
    assert found(short) == [("amount_mismatch", "ln_won", "dp_1", -1_000)]


def test_manual_matches_are_kept_out_of_matching() -> None:
    result = run([{**PAYMENT_LINE, "gross": 9_000, "net": 8_680}, line("ln_2", "payment", "pi_2", 500)],
                 [PAYMENT, record("pay_2", "payment", "pi_2", 500)], manual=[("ln_1", "pay_1")])
    assert matched(result) == {("ln_1", "pay_1", "manual"), ("ln_2", "pay_2", "gateway_reference")}
    assert found(result) == []


def test_summary_per_currency() -> None:
    result = run([PAYMENT_LINE, line("ln_fee", "fee", None, 0, 127), line("ln_po", "payout", None, 9_553),
                  line("ln_e", "payment", "pi_e", 800, 20, currency="EUR")],
                 [PAYMENT])
    rows = result.summary.per_currency.rows(named=True)
    assert rows == [
        {"currency": "EUR", "lines": 1, "matched": 0, "gross": 800, "fee": 20, "net": 780,
         "matched_gross": 0, "matched_fee": 0, "matched_net": 0},
        {"currency": "USD", "lines": 2, "matched": 1, "gross": 10_000, "fee": 447, "net": 9_553,
         "matched_gross": 10_000, "matched_fee": 320, "matched_net": 9_680}]
    assert result.summary.matched == 1


def test_invalid_inputs_are_refused() -> None:
    with pytest.raises(ReconcileInputInvalid, match="unknown line type"):
        run([{**PAYMENT_LINE, "type": "capture"}], [PAYMENT])
    with pytest.raises(ReconcileInputInvalid, match="lacks the columns gross"):
        reconcile(pl.LazyFrame([PAYMENT_LINE]).drop("gross"), pl.LazyFrame([PAYMENT], schema=LEDGER_SCHEMA),
                  pl.LazyFrame(schema=GL_SCHEMA), ReconcileConfig(as_of=AS_OF))
    with pytest.raises(ReconcileInputInvalid, match="line_id repeated"):
        run([PAYMENT_LINE, PAYMENT_LINE], [PAYMENT])
    with pytest.raises(ReconcileInputInvalid, match="unknown status"):
        run([PAYMENT_LINE], [PAYMENT], gl=[{"record_id": "pay_1", "status": "posted", "amount": 1}])
    with pytest.raises(ReconcileInputInvalid, match="timezone-aware"):
        ReconcileConfig(as_of=datetime(2025, 1, 1))


# --- property: a ledger, its settlement; one fault, exactly one exception ---------------------------------------
FEE_BPS, FEE_FIXED = 290, 30
CONFIG: dict[str, Any] = {"fee_rate_bps": FEE_BPS, "fee_fixed": FEE_FIXED}


@dataclass
class World:
    records: list[dict[str, Any]]
    lines: list[dict[str, Any]]
    gl: list[dict[str, Any]]
    settles: dict[str, str]  # record_id -> the line_id that settles it (own kind)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    """Payments with partial refunds and disputes (some won), all posted; the settlement of what is due, shuffled."""
    cutoff = AS_OF - draw(st.integers(min_value=2, max_value=72)) * timedelta(hours=1)  # later records: deferred
    records: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    settles: dict[str, str] = {}
    n = draw(st.integers(min_value=1, max_value=6))
    offsets = [20 * 24] + draw(st.lists(st.integers(min_value=0, max_value=30 * 24), min_size=n, max_size=n)) + [1]
    for i, hours_ago in enumerate(offsets):  # the first payment is old, the last is always deferred
        currency = draw(st.sampled_from(["USD", "EUR", "JPY"]))
        amount = draw(st.integers(min_value=100, max_value=1_000_000))
        ref, at = f"pi_{i}", AS_OF - timedelta(hours=hours_ago)
        mine = [record(f"pay_{i}", "payment", ref, amount, mref=f"INV-{i}", currency=currency, at=at)]
        refunds = draw(st.lists(st.integers(min_value=1, max_value=max(1, amount // 3)), max_size=2, unique=True))
        mine += [record(f"rfd_{i}_{k}", "refund", ref, -r, mref=f"INV-{i}", currency=currency,
                        at=at + (k + 1) * timedelta(hours=5), payment_id=f"pay_{i}") for k, r in enumerate(refunds)]
        dispute = draw(st.sampled_from(["none", "lost", "won"]))
        if dispute != "none":
            mine.append(record(f"dp_{i}", "chargeback", ref, -amount, mref=f"INV-{i}", currency=currency,
                               at=at + 2 * DAY, payment_id=f"pay_{i}"))
        for rec in mine:
            if rec["occurred_at"] > cutoff:
                continue
            line_at = rec["occurred_at"] + timedelta(hours=draw(st.integers(min_value=1, max_value=48)))
            fee = 0
            if rec["kind"] == "payment":
                expected = Money(amount, currency).times(Fraction(FEE_BPS, 10_000)).amount + FEE_FIXED
                fee = max(0, expected - draw(st.integers(min_value=0, max_value=3)))
            lid = f"ln_{rec['record_id']}"
            lines.append(line(lid, rec["kind"], ref, rec["amount"], fee, mref=rec["merchant_reference"],
                              currency=currency, at=line_at))
            settles[rec["record_id"]] = lid
            if rec["kind"] == "chargeback" and dispute == "won":
                lines.append(line(f"ln_won_{i}", "chargeback_reversal", ref, amount, mref=rec["merchant_reference"],
                                  currency=currency, at=line_at + DAY))
        records += mine
    random.Random(draw(st.integers())).shuffle(lines)
    gl = [{"record_id": r["record_id"], "status": "confirmed", "amount": r["amount"]} for r in records]
    return World(records, lines, gl, settles)


Expected = tuple[str, str | None, str | None, int | None]
Draw = Callable[[st.SearchStrategy[Any]], Any]  # what `data.draw` is
Fault = Callable[[World, Draw], tuple[World, Expected]]


def _settled(world: World, draw: Draw, old: bool = False) -> dict[str, Any]:
    due = AS_OF - ReconcileConfig(as_of=AS_OF).unsettled_after - DAY
    choices = [r for r in world.records if r["record_id"] in world.settles and (not old or r["occurred_at"] < due)]
    chosen: dict[str, Any] = draw(st.sampled_from(choices))
    return chosen


def _line_of(world: World, record_id: str) -> dict[str, Any]:
    return next(l for l in world.lines if l["line_id"] == world.settles[record_id])


def drop_line(world: World, draw: Draw) -> tuple[World, Expected]:
    rec = _settled(world, draw, old=True)
    lines = [l for l in world.lines if l["line_id"] != world.settles[rec["record_id"]]]
    return replace(world, lines=lines), ("posted_but_not_settled", None, rec["record_id"], -rec["amount"])


def alter_amount(world: World, draw: Draw) -> tuple[World, Expected]:
    rec = _settled(world, draw)
    original = _line_of(world, rec["record_id"])
    siblings = {r["amount"] for r in world.records if r["gateway_reference"] == rec["gateway_reference"]
                and r["kind"] == rec["kind"]}
    delta = next(d for d in range(1, 10) if rec["amount"] + (d if rec["amount"] > 0 else -d) not in siblings)
    delta = delta if original["gross"] > 0 else -delta  # larger in magnitude: the expected fee does not drop
    altered = {**original, "gross": original["gross"] + delta, "net": original["net"] + delta}
    lines = [altered if l is original else l for l in world.lines]
    return replace(world, lines=lines), ("amount_mismatch", original["line_id"], rec["record_id"], delta)


def duplicate_line(world: World, draw: Draw) -> tuple[World, Expected]:
    original = draw(st.sampled_from(world.lines))
    copy = {**original, "line_id": "ln_again", "occurred_at": original["occurred_at"] + timedelta(hours=1)}
    rec = next(r for r, lid in world.settles.items() if lid == original["line_id"]) \
        if original["type"] != "chargeback_reversal" else f"dp_{original['line_id'].removeprefix('ln_won_')}"
    return replace(world, lines=[*world.lines, copy]), ("duplicate", "ln_again", rec, original["gross"])


def change_currency(world: World, draw: Draw) -> tuple[World, Expected]:
    rec = _settled(world, draw)
    original = _line_of(world, rec["record_id"])
    other = "GBP" if original["currency"] != "GBP" else "USD"
    lines = [{**l, "currency": other} if l is original else l for l in world.lines]
    return replace(world, lines=lines), ("currency_mismatch", original["line_id"], rec["record_id"], None)


def stray_fee(world: World, draw: Draw) -> tuple[World, Expected]:
    fee = draw(st.integers(min_value=1, max_value=5_000))
    stray = line("ln_stray", draw(st.sampled_from(["fee", "adjustment"])), None, 0, fee, at=AS_OF - DAY)
    return replace(world, lines=[*world.lines, stray]), ("unexpected_fee", "ln_stray", None, fee)


def drop_posting(world: World, draw: Draw) -> tuple[World, Expected]:
    rec = _settled(world, draw)
    gl = [g for g in world.gl if g["record_id"] != rec["record_id"]]
    if draw(st.booleans()):  # or a posting that failed
        gl.append({"record_id": rec["record_id"], "status": "failed", "amount": rec["amount"]})
    return replace(world, gl=gl), ("settled_not_posted", world.settles[rec["record_id"]], rec["record_id"],
                                   rec["amount"])


def reported_but_dropped(world: World, draw: Draw) -> tuple[World, Expected]:
    rec = _settled(world, draw)
    lines = [l for l in world.lines if l["line_id"] != world.settles[rec["record_id"]]]
    records = [{**r, "settled_reported": True} if r is rec else r for r in world.records]
    return replace(world, lines=lines, records=records), ("missing_in_settlement", None, rec["record_id"],
                                                          -rec["amount"])


def age_unsettled(world: World, draw: Draw) -> tuple[World, Expected]:
    waiting = [r for r in world.records if r["record_id"] not in world.settles]  # never empty: the last payment
    rec = draw(st.sampled_from(waiting))
    aged = {**rec, "occurred_at": AS_OF - 6 * DAY}
    records = [aged if r is rec else r for r in world.records]
    return replace(world, records=records), ("posted_but_not_settled", None, rec["record_id"], -rec["amount"])


def drop_record(world: World, draw: Draw) -> tuple[World, Expected]:
    rec = _settled(world, draw)
    if rec["kind"] == "chargeback":  # a dispute's reversal would go unmatched too
        rec = next(r for r in world.records if r["record_id"] == rec["payment_id"])
    records = [r for r in world.records if r is not rec]
    line_ = _line_of(world, rec["record_id"])
    return replace(world, records=records), ("missing_in_ledger", line_["line_id"], None, line_["gross"])


FAULTS: list[Fault] = [drop_line, alter_amount, duplicate_line, change_currency, stray_fee, drop_posting,
                       reported_but_dropped, age_unsettled, drop_record]


def run_world(world: World) -> Reconciliation:
    return run(world.lines, world.records, world.gl, **CONFIG)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=worlds(), fault=st.sampled_from(FAULTS), data=st.data())
def test_a_clean_settlement_reconciles_and_one_fault_shows_as_exactly_one_exception(
        world: World, fault: Fault, data: st.DataObject) -> None:
    clean = run_world(world)
    assert found(clean) == []
    assert clean.matches.height == len(world.lines)
    faulty, expected = fault(world, data.draw)
    assert found(run_world(faulty)) == [expected]


# --- proposals -------------------------------------------------------------------------------------------------
def exception_row(exception_class: ExceptionClass, difference: int | None, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {name: None for name in EXCEPTION_SCHEMA.names()}
    row.update({"class": exception_class.value, "line_id": "ln_1", "record_id": "pay_1", "currency": "USD",
                "ledger_currency": "USD", "gross": 10_000, "amount": 10_000, "difference": difference}, **values)
    return row


def entry_lines(proposal: Any) -> list[tuple[str, int, int]]:
    return [(l.account, l.debit, l.credit) for l in proposal.entry.lines]


def test_proposal_for_a_fee_difference() -> None:
    proposal = propose(exception_row(ExceptionClass.UNEXPECTED_FEE, 127), RULES)
    assert proposal.action == "post_fee_difference"
    assert proposal.description == "Post fee difference 1.27 USD to 6100"
    assert entry_lines(proposal) == [("6100", 127, 0), ("1150", 0, 127)]
    credit = propose(exception_row(ExceptionClass.UNEXPECTED_FEE, -50, currency="KWD"), RULES)
    assert credit.description == "Post fee credit 0.050 KWD to 6100"
    assert entry_lines(credit) == [("1150", 50, 0), ("6100", 0, 50)]


@pytest.mark.parametrize(("exception_class", "difference", "values", "action", "lines"), [
    (ExceptionClass.AMOUNT_MISMATCH, -100, {}, "post_amount_difference", [("6100", 100, 0), ("1150", 0, 100)]),
    (ExceptionClass.AMOUNT_MISMATCH, 100, {}, "post_amount_difference", [("1150", 100, 0), ("2190", 0, 100)]),
    (ExceptionClass.MISSING_IN_LEDGER, 10_000, {"record_id": None}, "hold_in_suspense",
     [("1150", 10_000, 0), ("2190", 0, 10_000)]),
    (ExceptionClass.MISSING_IN_LEDGER, -300, {"record_id": None}, "hold_in_suspense",
     [("2190", 300, 0), ("1150", 0, 300)]),
    (ExceptionClass.DUPLICATE, 10_000, {}, "hold_in_suspense", [("1150", 10_000, 0), ("2190", 0, 10_000)]),
    (ExceptionClass.DUPLICATE, -10_000, {"line_id": None}, "investigate", None),
    (ExceptionClass.SETTLED_NOT_POSTED, 10_000, {"gl_status": "pending"}, "retry_posting", None),
    (ExceptionClass.MISSING_IN_SETTLEMENT, -10_000, {"line_id": None}, "investigate", None),
    (ExceptionClass.POSTED_BUT_NOT_SETTLED, -10_000, {"line_id": None}, "investigate", None),
    (ExceptionClass.CURRENCY_MISMATCH, None, {"currency": "EUR"}, "investigate", None),
])
def test_proposal_per_class(exception_class: ExceptionClass, difference: int | None, values: dict[str, Any],
                            action: str, lines: list[tuple[str, int, int]] | None) -> None:
    proposal = propose(exception_row(exception_class, difference, **values), RULES)
    assert proposal.action == action
    assert proposal.description
    if lines is None:
        assert proposal.entry is None
    else:
        assert proposal.entry is not None and entry_lines(proposal) == lines  # JournalEntry checked the balance
        assert {l.currency for l in proposal.entry.lines} == {values.get("currency", "USD")}


def test_proposals_for_every_exception_of_a_run_balance() -> None:
    lines = [line("ln_x", "payment", "pi_unknown", 5_000), line("ln_fee", "fee", None, 0, 127),
             {**PAYMENT_LINE, "gross": 9_900, "net": 9_580}]
    result = run(lines, [PAYMENT, record("pay_2", "payment", "pi_2", 2_500, reported=True)])
    proposals = [propose(row, RULES) for row in result.exceptions.iter_rows(named=True)]
    assert [p.action for p in proposals] == ["post_amount_difference", "hold_in_suspense",
                                             "investigate", "post_fee_difference"]
    assert "Settled 1.00 USD less than record pay_1" in proposals[0].description
