"""Three-way reconciliation: the gateway's settlement lines against PayHub's records (payments, refunds,
chargebacks) against what the ERP confirmed (GL postings). Pure: polars frames in, polars frames out.

Inputs (LazyFrames; columns are selected and cast to these schemas at entry, extra columns are ignored):

    settlement  SETTLEMENT_SCHEMA  one row per settlement line, signs as in `payhub.domain.settlement`
                                   (payment gross +, refund and chargeback −, reversal +; fee kept by the
                                   processor; net = gross − fee). PAYOUT lines are informational: ignored.
    ledger      LEDGER_SCHEMA      one row per PayHub record: a payment, a refund or a chargeback (dispute).
                                   `gateway_reference` is the PAYMENT's reference for all three kinds, as on the
                                   settlement lines; `amount` is signed like the line's gross.
    gl          GL_SCHEMA          the ERP's postings per record; a record is posted when one of its rows is
                                   "confirmed" (otherwise the best of pending, failed is reported).
    manual      MANUAL_SCHEMA      (optional) pairs a person matched: such a line and such a record take no part
                                   in automatic matching; the pair is a match (method "manual") when its line is
                                   in `settlement`.

Matching (transaction lines only; each pass sees only what earlier passes left unmatched):

1. gateway reference: equal reference, the line's type corresponding to the record's kind. Within one
   (reference, kind), lines and records of equal amount are paired first, in order of occurrence (so several
   equal partial refunds each take one line); then an unpaired line that repeats a paired line's
   (reference, type, gross) is a duplicate; then what is left is paired in order of occurrence whatever the
   amount (those pairs are amount or currency mismatches).
   A chargeback_reversal (a dispute won) is the chargeback's second line: it is paired the same way with the
   chargeback records (its gross compared with the negated amount), whether or not the chargeback itself has
   settled, and it never takes the chargeback's place: a record counts as settled by its own-kind line only.
2. merchant reference (the invoice number): equal merchant reference, kind, currency and amount, in order
   of occurrence.
3. amount and date: equal currency, kind and amount, |occurred_at difference| ≤ `date_window`, and only where
   the candidate is the only one in the window on both sides. Counted with two as-of joins per side on
   running numbers, so no candidate pairs are ever materialized, however common an amount.
Passes 2 and 3 never pair a line and a record whose gateway references are both known and differ (nor, in
pass 3, whose merchant references do).

Exceptions (`ExceptionClass`); each row has both sides' columns (EXCEPTION_SCHEMA; a side's columns are null
when it has no such side) and `difference`, in minor units, settlement minus PayHub (a missing side is 0):

    missing_in_ledger       a transaction line nothing matched                      difference = gross
    missing_in_settlement   an unmatched record PayHub was told settled             difference = −amount
    amount_mismatch         a reference pair, same currency, gross ≠ expected gross difference = gross − expected
    duplicate               a line repeating a paired line's (reference, type, gross): the extra line, with
                            the record its twin took                                difference = gross;
                            or an unmatched payment record with the same reference and amount as a
                            matched one (no line)                                   difference = −amount
                            (refunds and chargebacks are left out of the latter: equal partial refunds of one
                            payment are legitimate)
    currency_mismatch       a reference pair in different currencies                difference = null
    unexpected_fee          a FEE or ADJUSTMENT line: difference = fee − gross (its cost; negative = a credit);
                            a matched transaction line whose fee exceeds the expected fee by more than
                            `fee_tolerance`: difference = fee − expected fee
    posted_but_not_settled  an unmatched record, GL confirmed, not settled_reported, occurred more than
                            `unsettled_after` before `as_of`                        difference = −amount
    settled_not_posted      a matched line (own-kind or manual) whose record has no confirmed GL posting
                                                                                    difference = amount
`fingerprint` = "class:line_id:record_id" (empty for a missing side), the same on every run over the same data.

`propose` turns one exception into a proposed resolution (see its docstring)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import polars as pl

from payhub.domain.errors import DomainError, InvalidRequest
from payhub.domain.ledger import GLLine, JournalEntry, PostingRules
from payhub.domain.money import Money
from payhub.domain.settlement import LineType

UTC_MICROS = pl.Datetime("us", "UTC")
KINDS = ("payment", "refund", "chargeback")
GL_STATUSES = ("confirmed", "pending", "failed")

SETTLEMENT_SCHEMA = pl.Schema({
    "line_id": pl.String(), "batch_id": pl.String(), "type": pl.String(),
    "gateway_reference": pl.String(), "merchant_reference": pl.String(), "currency": pl.String(),
    "gross": pl.Int64(), "fee": pl.Int64(), "net": pl.Int64(), "occurred_at": UTC_MICROS,
})
LEDGER_SCHEMA = pl.Schema({
    "record_id": pl.String(), "payment_id": pl.String(), "kind": pl.String(),
    "gateway_reference": pl.String(), "merchant_reference": pl.String(), "currency": pl.String(),
    "amount": pl.Int64(), "occurred_at": UTC_MICROS, "settled_reported": pl.Boolean(),
})
GL_SCHEMA = pl.Schema({"record_id": pl.String(), "status": pl.String(), "amount": pl.Int64()})
MANUAL_SCHEMA = pl.Schema({"line_id": pl.String(), "record_id": pl.String()})
MATCH_SCHEMA = pl.Schema({"line_id": pl.String(), "record_id": pl.String(), "method": pl.String()})
EXCEPTION_SCHEMA = pl.Schema({
    "class": pl.String(), "fingerprint": pl.String(),
    # the settlement side
    "line_id": pl.String(), "batch_id": pl.String(), "type": pl.String(), "gateway_reference": pl.String(),
    "merchant_reference": pl.String(), "currency": pl.String(), "gross": pl.Int64(), "fee": pl.Int64(),
    "net": pl.Int64(), "occurred_at": UTC_MICROS,
    # PayHub's side
    "record_id": pl.String(), "payment_id": pl.String(), "kind": pl.String(), "ledger_currency": pl.String(),
    "amount": pl.Int64(),
    # the ERP's side
    "gl_status": pl.String(), "gl_amount": pl.Int64(),
    "difference": pl.Int64(),
})
SUMMARY_SCHEMA = pl.Schema({
    "currency": pl.String(), "lines": pl.UInt32(), "matched": pl.UInt32(), "gross": pl.Int64(), "fee": pl.Int64(),
    "net": pl.Int64(), "matched_gross": pl.Int64(), "matched_fee": pl.Int64(), "matched_net": pl.Int64(),
})

# the record kind each transaction line settles
KIND_OF_LINE = {LineType.PAYMENT.value: "payment", LineType.REFUND.value: "refund",
                LineType.CHARGEBACK.value: "chargeback", LineType.CHARGEBACK_REVERSAL.value: "chargeback"}
FEE_LINES = (LineType.FEE.value, LineType.ADJUSTMENT.value)


class ExceptionClass(StrEnum):
    MISSING_IN_LEDGER = "missing_in_ledger"
    MISSING_IN_SETTLEMENT = "missing_in_settlement"
    AMOUNT_MISMATCH = "amount_mismatch"
    DUPLICATE = "duplicate"
    CURRENCY_MISMATCH = "currency_mismatch"
    UNEXPECTED_FEE = "unexpected_fee"
    POSTED_BUT_NOT_SETTLED = "posted_but_not_settled"
    SETTLED_NOT_POSTED = "settled_not_posted"


class MatchMethod(StrEnum):
    MANUAL = "manual"
    GATEWAY_REFERENCE = "gateway_reference"
    MERCHANT_REFERENCE = "merchant_reference"
    AMOUNT_WINDOW = "amount_window"


class ReconcileInputInvalid(InvalidRequest):
    code = "reconcile_input_invalid"
    title = "Reconciliation input is invalid"


@dataclass(frozen=True, slots=True)
class ReconcileConfig:
    as_of: datetime  # timezone-aware: when the reconciliation runs, for "posted but not settled"
    date_window: timedelta = timedelta(days=3)  # pass 3: how far apart a line and its record may occur
    unsettled_after: timedelta = timedelta(days=5)  # a posted record unmatched for longer is an exception
    fee_rate_bps: int | None = None  # the expected fee: rate on |gross| in basis points; None: any fee expected
    fee_fixed: int = 0  # plus a fixed part, minor units
    fee_tolerance: int = 0  # a fee may exceed the expected one by this much, minor units

    def __post_init__(self) -> None:
        if self.as_of.tzinfo is None:
            raise ReconcileInputInvalid("as_of must be timezone-aware")
        if self.date_window < timedelta(0) or self.unsettled_after < timedelta(0):
            raise ReconcileInputInvalid("date_window and unsettled_after cannot be negative")
        if (self.fee_rate_bps is not None and self.fee_rate_bps < 0) or self.fee_fixed < 0 or self.fee_tolerance < 0:
            raise ReconcileInputInvalid("fee_rate_bps, fee_fixed and fee_tolerance cannot be negative")


@dataclass(frozen=True, slots=True)
class Summary:
    per_currency: pl.DataFrame  # SUMMARY_SCHEMA: settlement lines (payouts excluded), all and matched
    exceptions_by_class: dict[ExceptionClass, int]  # every class, zero included

    @property
    def matched(self) -> int:
        return int(self.per_currency["matched"].sum())


@dataclass(frozen=True, slots=True)
class Reconciliation:
    matches: pl.DataFrame  # MATCH_SCHEMA, one row per matched line (a reversal and its chargeback: two rows)
    exceptions: pl.DataFrame  # EXCEPTION_SCHEMA, sorted by class, line_id, record_id
    summary: Summary


@dataclass(frozen=True, slots=True)
class Proposal:
    action: str  # post_fee_difference | post_amount_difference | hold_in_suspense | retry_posting | investigate
    description: str
    entry: JournalEntry | None = None


def reconcile(settlement: pl.LazyFrame, ledger: pl.LazyFrame, gl: pl.LazyFrame, config: ReconcileConfig,
              manual: pl.LazyFrame | None = None) -> Reconciliation:
    """Match `settlement` against `ledger` and `gl` (schemas above) and report what does not agree."""
    lines, records = _load(settlement, ledger, gl)
    lines_lf, records_lf = lines.lazy(), records.lazy()
    txn = lines_lf.filter(pl.col("kind").is_not_null()).select(
        "li", "line_id", "reversal", "kind", "currency", "occurred_at",
        pl.col("gateway_reference").alias("ref"), pl.col("merchant_reference").alias("mref"),
        # what the line says the record's amount is: a reversal returns the chargeback's money
        pl.when(pl.col("reversal")).then(-pl.col("gross")).otherwise(pl.col("gross")).alias("amount"))
    recs = records_lf.select("ri", "record_id", "kind", "currency", "occurred_at", "amount",
                             pl.col("gateway_reference").alias("ref"), pl.col("merchant_reference").alias("mref"))

    manual_pairs = _manual_pairs(manual, lines_lf, records_lf)
    manual_lines = manual_pairs.select("li")
    manual_records = manual_pairs.select("ri").drop_nulls()
    txn = txn.join(manual_lines, on="li", how="anti").collect().lazy()
    recs = recs.join(manual_records, on="ri", how="anti").collect().lazy()

    # pass 1: gateway reference; reversals against every chargeback record, as a second line
    with_ref = pl.col("ref").is_not_null()
    own_lines = txn.filter(~pl.col("reversal") & with_ref)
    reversal_lines = txn.filter(pl.col("reversal") & with_ref)
    ref_records = recs.filter(with_ref)
    chargeback_records = ref_records.filter(pl.col("kind") == "chargeback")
    by_ref = ["ref", "kind"]
    exact = pl.concat([_pair_in_order(own_lines, ref_records, [*by_ref, "amount"]),
                       _pair_in_order(reversal_lines, chargeback_records, [*by_ref, "amount"])]).collect()
    twins = (exact.lazy().join(txn.select("li", "ref", "kind", "reversal", "amount"), on="li")
             .group_by("ref", "kind", "reversal", "amount").agg(pl.col("ri").min()))
    duplicates = (txn.filter(with_ref).join(exact.lazy(), on="li", how="anti")
                  .join(twins, on=["ref", "kind", "reversal", "amount"]).select("li", "ri")).collect()
    taken_lines = pl.concat([exact.select("li"), duplicates.select("li")]).lazy()
    own_exact = exact.lazy().join(own_lines.select("li"), on="li", how="semi")
    reversal_exact = exact.lazy().join(reversal_lines.select("li"), on="li", how="semi")
    ordered = pl.concat([
        _pair_in_order(own_lines.join(taken_lines, on="li", how="anti"),
                       ref_records.join(own_exact, on="ri", how="anti"), by_ref),
        _pair_in_order(reversal_lines.join(taken_lines, on="li", how="anti"),
                       chargeback_records.join(reversal_exact, on="ri", how="anti"), by_ref),
    ]).collect()
    by_reference = pl.concat([exact, ordered])

    # pass 2: merchant reference
    own = txn.filter(~pl.col("reversal"))
    matched_records = by_reference.lazy().join(own.select("li"), on="li", how="semi").select("ri")
    left_lines = (own.join(by_reference.lazy(), on="li", how="anti").join(duplicates.lazy(), on="li", how="anti")
                  .collect().lazy())
    left_records = recs.join(matched_records, on="ri", how="anti").collect().lazy()
    with_mref = pl.col("mref").is_not_null()
    by_invoice = _compatible(
        _pair_in_order(left_lines.filter(with_mref), left_records.filter(with_mref),
                       ["mref", "kind", "currency", "amount"]), left_lines, left_records, ["ref"]).collect()

    # pass 3: amount within the date window, unique on both sides
    left_lines = left_lines.join(by_invoice.lazy(), on="li", how="anti").collect().lazy()
    left_records = left_records.join(by_invoice.lazy(), on="ri", how="anti").collect().lazy()
    by_amount = _compatible(_pair_unique_in_window(left_lines, left_records, config.date_window),
                            left_lines, left_records, ["ref", "mref"]).collect()

    auto = pl.concat([
        by_reference.with_columns(method=pl.lit(MatchMethod.GATEWAY_REFERENCE.value)),
        by_invoice.with_columns(method=pl.lit(MatchMethod.MERCHANT_REFERENCE.value)),
        by_amount.with_columns(method=pl.lit(MatchMethod.AMOUNT_WINDOW.value)),
    ])
    pairs = pl.concat([manual_pairs.select("li", "ri", pl.lit(MatchMethod.MANUAL.value).alias("method")).collect(),
                       auto])
    exceptions = _exceptions(lines_lf, records_lf, txn, recs, pairs, by_reference, duplicates, config)
    matches = (pl.concat([
        manual_pairs.select("li", "record_id", pl.lit(MatchMethod.MANUAL.value).alias("method")),
        auto.lazy().join(records_lf.select("ri", "record_id"), on="ri").select("li", "record_id", "method"),
    ]).join(lines_lf.select("li", "line_id"), on="li").sort("li", "method")
        .select(*MATCH_SCHEMA.names())).collect()
    return Reconciliation(matches, exceptions, _summary(lines_lf, pairs, exceptions))


def _load(settlement: pl.LazyFrame, ledger: pl.LazyFrame, gl: pl.LazyFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The inputs conformed and checked, with row numbers (`li`, `ri`) the passes join on."""
    status_rank = pl.col("status").replace_strict({s: i for i, s in enumerate(GL_STATUSES)}, default=None,
                                                  return_dtype=pl.UInt8)
    gl_best = (_conform(gl, GL_SCHEMA, "gl").with_columns(rank=status_rank).group_by("record_id").agg(
        pl.col("status").sort_by("rank").first().alias("gl_status"),
        pl.col("amount").sort_by("rank").first().alias("gl_amount"),
        pl.col("rank").is_null().any().alias("unknown_status")))
    try:
        lines = _conform(settlement, SETTLEMENT_SCHEMA, "settlement").with_row_index("li").with_columns(
            kind=pl.col("type").replace_strict(KIND_OF_LINE, default=None, return_dtype=pl.String()),
            reversal=pl.col("type") == LineType.CHARGEBACK_REVERSAL.value,
        ).collect(engine="streaming")
        records = (_conform(ledger, LEDGER_SCHEMA, "ledger").with_row_index("ri")
                   .join(gl_best, on="record_id", how="left").collect(engine="streaming"))
    except pl.exceptions.PolarsError as exc:
        raise ReconcileInputInvalid(f"Reconciliation input does not conform: {exc}") from exc
    _check(lines, ~pl.col("type").is_in([t.value for t in LineType]), "settlement", "an unknown line type")
    _check(lines, pl.any_horizontal(pl.col("line_id", "type", "currency", "gross", "fee", "net",
                                           "occurred_at").is_null()), "settlement", "a required value missing")
    _check(lines, pl.col("line_id").is_duplicated(), "settlement", "a line_id repeated")
    _check(records, ~pl.col("kind").is_in(KINDS), "ledger", "an unknown kind")
    _check(records, pl.any_horizontal(pl.col("record_id", "kind", "currency", "amount", "occurred_at",
                                             "settled_reported").is_null()), "ledger", "a required value missing")
    _check(records, pl.col("record_id").is_duplicated(), "ledger", "a record_id repeated")
    _check(records, pl.col("unknown_status").fill_null(False), "gl", "an unknown status")
    return lines, records.drop("unknown_status")


def _conform(frame: pl.LazyFrame, schema: pl.Schema, name: str) -> pl.LazyFrame:
    have = frame.collect_schema()
    missing = [column for column in schema if column not in have]
    if missing:
        raise ReconcileInputInvalid(f"{name} lacks the columns {', '.join(missing)}")
    columns = []
    for column, dtype in schema.items():
        expr = pl.col(column)
        got = have[column]
        if isinstance(dtype, pl.Datetime):
            if not isinstance(got, pl.Datetime):
                raise ReconcileInputInvalid(f"{name}.{column} must be a datetime, not {got}")
            expr = expr.dt.replace_time_zone("UTC") if got.time_zone is None else expr.dt.convert_time_zone("UTC")
        columns.append(expr.cast(dtype, strict=True))
    return frame.select(columns)


def _check(frame: pl.DataFrame, bad: pl.Expr, name: str, what: str) -> None:
    offending = frame.filter(bad)
    if offending.height:
        raise ReconcileInputInvalid(f"{name} has {what} ({offending.height} rows), e.g. {offending.row(0)}")


def _manual_pairs(manual: pl.LazyFrame | None, lines: pl.LazyFrame, records: pl.LazyFrame) -> pl.LazyFrame:
    """(li, ri, record_id): ri is null when the record is not among `ledger`'s."""
    if manual is None:
        return pl.LazyFrame(schema={"li": pl.UInt32(), "ri": pl.UInt32(), "record_id": pl.String()})
    given = _conform(manual, MANUAL_SCHEMA, "manual").unique()
    on_lines = given.join(lines.select("li", "line_id"), on="line_id")
    withheld_records = given.join(records.select("ri", "record_id"), on="record_id").select("ri").unique()
    # a record matched by hand to a line of another run is withheld too: an li-less row, dropped from pairs below
    return pl.concat([
        on_lines.join(records.select("ri", "record_id"), on="record_id", how="left").select("li", "ri", "record_id"),
        withheld_records.select(pl.lit(None, pl.UInt32()).alias("li"), "ri", pl.lit(None, pl.String()).alias(
            "record_id")),
    ]).unique(subset=["li", "ri"])


def _pair_in_order(lines: pl.LazyFrame, records: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    """(li, ri): within each key, the n-th line (by occurrence, then id) with the n-th record: one to one."""
    def numbered(frame: pl.LazyFrame, index: str, identity: str) -> pl.LazyFrame:
        n = pl.int_range(pl.len(), dtype=pl.UInt32).over(keys, order_by=["occurred_at", identity])
        return frame.select(*keys, index, n.alias("n"))
    return numbered(lines, "li", "line_id").join(numbered(records, "ri", "record_id"), on=[*keys, "n"]).select(
        "li", "ri")


def _pair_unique_in_window(lines: pl.LazyFrame, records: pl.LazyFrame, window: timedelta) -> pl.LazyFrame:
    """(li, ri) where the line's only candidate record within the window is that record, and the other way round.
    Each side is numbered within (currency, kind, amount) in time order; an as-of join at t + window and a strict
    one at t − window give how many of the other side lie in [t − window, t + window], and which is the last."""
    keys = ["currency", "kind", "amount"]

    def running(frame: pl.LazyFrame, index: str) -> pl.LazyFrame:
        return (frame.select(*keys, "occurred_at", index)
                .with_columns(seen=pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over(keys, order_by="occurred_at"))
                .sort("occurred_at"))

    def sole_candidate(probe: pl.LazyFrame, probe_index: str, other: pl.LazyFrame, other_index: str) -> pl.LazyFrame:
        other_seen = running(other, other_index).rename({"occurred_at": "at"})
        probe_times = probe.select(*keys, probe_index, (pl.col("occurred_at") + window).alias("upto"),
                                   (pl.col("occurred_at") - window).alias("since")).sort("upto")
        upto = probe_times.join_asof(other_seen, left_on="upto", right_on="at", by=keys, strategy="backward",
                                     check_sortedness=False)
        before = probe_times.select(*keys, probe_index, "since").sort("since").join_asof(
            other_seen.select(*keys, "at", pl.col("seen").alias("seen_before")), left_on="since", right_on="at",
            by=keys, strategy="backward", allow_exact_matches=False, check_sortedness=False)
        counted = upto.join(before.select(probe_index, "seen_before"), on=probe_index)
        in_window = pl.col("seen").fill_null(0) - pl.col("seen_before").fill_null(0)
        return counted.filter(in_window == 1).select(probe_index, pl.col(other_index).alias(f"sole_{other_index}"))

    line_side = sole_candidate(lines, "li", records, "ri")
    record_side = sole_candidate(records, "ri", lines, "li")
    return line_side.join(record_side, left_on=["li", "sole_ri"], right_on=["sole_li", "ri"]).select(
        "li", pl.col("sole_ri").alias("ri"))


def _compatible(pairs: pl.LazyFrame, lines: pl.LazyFrame, records: pl.LazyFrame, columns: list[str]) -> pl.LazyFrame:
    """Drop pairs whose references (each of `columns`) are known on both sides and differ."""
    pairs = (pairs.join(lines.select("li", *columns), on="li")
             .join(records.select("ri", *[pl.col(c).alias(f"{c}_record") for c in columns]), on="ri"))
    conflict = pl.any_horizontal([pl.col(c).is_not_null() & pl.col(f"{c}_record").is_not_null()
                                  & (pl.col(c) != pl.col(f"{c}_record")) for c in columns])
    return pairs.filter(~conflict).select("li", "ri")


def _expected_fee(gross: pl.Expr, rate_bps: int, fixed: int) -> pl.Expr:
    """fixed + |gross| × rate_bps / 10,000 rounded half to even (as Money.times), without overflowing Int64."""
    magnitude = gross.abs()
    part = (magnitude % 10_000) * rate_bps
    floor = (magnitude // 10_000) * rate_bps + part // 10_000
    twice_rest = (part % 10_000) * 2
    up = (twice_rest > 10_000) | ((twice_rest == 10_000) & (floor % 2 == 1))
    return floor + up.cast(pl.Int64) + fixed


def _exceptions(lines: pl.LazyFrame, records: pl.LazyFrame, txn: pl.LazyFrame, recs: pl.LazyFrame,
                pairs: pl.DataFrame, by_reference: pl.DataFrame, duplicates: pl.DataFrame,
                config: ReconcileConfig) -> pl.DataFrame:
    cls = ExceptionClass
    line_facts = lines.select("li", "currency", "gross", "fee", "reversal", "type")
    record_facts = records.select("ri", "kind", "gateway_reference", "currency", "amount", "gl_status",
                                  "settled_reported", "occurred_at")
    found: list[pl.LazyFrame] = []

    def add(frame: pl.LazyFrame, exception_class: ExceptionClass, difference: pl.Expr) -> None:
        found.append(frame.select(pl.lit(exception_class.value).alias("class"), pl.col("li").cast(pl.UInt32),
                                  pl.col("ri").cast(pl.UInt32), difference.cast(pl.Int64).alias("difference")))

    reference_pairs = (by_reference.lazy().join(line_facts, on="li")
                       .join(record_facts.select("ri", pl.col("currency").alias("ledger_currency"),
                                                 pl.col("amount").alias("record_amount")), on="ri"))
    same_currency = pl.col("currency") == pl.col("ledger_currency")
    expected_gross = pl.when(pl.col("reversal")).then(-pl.col("record_amount")).otherwise(pl.col("record_amount"))
    add(reference_pairs.filter(same_currency & (pl.col("gross") != expected_gross)), cls.AMOUNT_MISMATCH,
        pl.col("gross") - expected_gross)
    add(reference_pairs.filter(~same_currency), cls.CURRENCY_MISMATCH, pl.lit(None))
    add(duplicates.lazy().join(line_facts, on="li"), cls.DUPLICATE, pl.col("gross"))

    matched_lines = pairs.lazy().select("li")
    add(txn.join(matched_lines, on="li", how="anti").join(duplicates.lazy(), on="li", how="anti")
        .with_columns(ri=pl.lit(None)).join(line_facts, on="li"), cls.MISSING_IN_LEDGER, pl.col("gross"))

    # a record is settled by its own-kind line: reversals do not count
    settling = pairs.lazy().join(line_facts.filter(~pl.col("reversal")).select("li"), on="li", how="semi")
    settled_records = settling.select("ri").drop_nulls()
    matched_payments = (settled_records.join(record_facts, on="ri").filter(pl.col("kind") == "payment")
                        .select("gateway_reference", "amount").unique())
    unsettled = (recs.join(settled_records, on="ri", how="anti").join(record_facts, on="ri", suffix="_fact")
                 .with_columns(li=pl.lit(None)))
    record_duplicates = (unsettled.filter(pl.col("kind") == "payment")
                         .join(matched_payments, on=["gateway_reference", "amount"], how="semi"))
    add(record_duplicates, cls.DUPLICATE, -pl.col("amount"))
    unsettled = unsettled.join(record_duplicates.select("ri"), on="ri", how="anti")
    add(unsettled.filter(pl.col("settled_reported")), cls.MISSING_IN_SETTLEMENT, -pl.col("amount"))
    due = pl.lit(config.as_of.astimezone(UTC) - config.unsettled_after, dtype=UTC_MICROS)
    add(unsettled.filter(~pl.col("settled_reported") & (pl.col("gl_status") == "confirmed")
                         & (pl.col("occurred_at") < due)), cls.POSTED_BUT_NOT_SETTLED, -pl.col("amount"))
    add(settling.filter(pl.col("ri").is_not_null()).join(record_facts, on="ri")
        .filter(pl.col("gl_status").fill_null("") != "confirmed"), cls.SETTLED_NOT_POSTED, pl.col("amount"))

    add(lines.filter(pl.col("type").is_in(FEE_LINES)).with_columns(ri=pl.lit(None)), cls.UNEXPECTED_FEE,
        pl.col("fee") - pl.col("gross"))
    if config.fee_rate_bps is not None:
        excess = pl.col("fee") - _expected_fee(pl.col("gross"), config.fee_rate_bps, config.fee_fixed)
        add(pairs.lazy().select("li", "ri").join(line_facts, on="li").filter(excess > config.fee_tolerance),
            cls.UNEXPECTED_FEE, excess)

    line_side = lines.select("li", *[c for c in SETTLEMENT_SCHEMA.names()])
    record_side = records.select("ri", "record_id", "payment_id", "kind", pl.col("currency").alias("ledger_currency"),
                                 "amount", "gl_status", "gl_amount")
    fingerprint = pl.concat_str([pl.col("class"), pl.col("line_id").fill_null(""), pl.col("record_id").fill_null("")],
                                separator=":")
    return (pl.concat(found).join(line_side, on="li", how="left").join(record_side, on="ri", how="left")
            .with_columns(fingerprint=fingerprint).select(*EXCEPTION_SCHEMA.names())
            .sort("class", "line_id", "record_id", nulls_last=True).collect().cast(EXCEPTION_SCHEMA))


def _summary(lines: pl.LazyFrame, pairs: pl.DataFrame, exceptions: pl.DataFrame) -> Summary:
    matched = pl.col("li").is_in(pairs["li"].implode())
    per_currency = (lines.filter(pl.col("type") != LineType.PAYOUT.value).group_by("currency").agg(
        pl.len().alias("lines"), matched.sum().alias("matched"),
        pl.col("gross").sum(), pl.col("fee").sum(), pl.col("net").sum(),
        pl.col("gross").filter(matched).sum().alias("matched_gross"),
        pl.col("fee").filter(matched).sum().alias("matched_fee"),
        pl.col("net").filter(matched).sum().alias("matched_net"),
    ).sort("currency").collect().cast(SUMMARY_SCHEMA))
    counts = dict(exceptions.group_by("class").len().iter_rows())
    return Summary(per_currency, {c: int(counts.get(c.value, 0)) for c in ExceptionClass})


def _major(amount: int, currency: str) -> str:
    """`amount` minor units as major units with the currency ("1.27 USD"); minor units when it cannot."""
    try:
        return str(Money(amount, currency))
    except DomainError:
        return f"{amount} minor units of {currency}"


def _entry(debit: str, credit: str, amount: int, currency: str, memo: str) -> JournalEntry:
    return JournalEntry("reconciliation", (GLLine(debit, amount, 0, currency, memo=memo),
                                           GLLine(credit, 0, amount, currency, memo=memo)))


def propose(exception: Mapping[str, Any], rules: PostingRules) -> Proposal:
    """A proposed resolution of one exception row (as `Reconciliation.exceptions` yields with
    `iter_rows(named=True)`). Entries are in the line's currency (the record's when there is no line):

        unexpected_fee          post_fee_difference: Dr processor fees / Cr clearing by the difference
                                (a credit, the other way round)
        amount_mismatch         post_amount_difference: short-paid (difference < 0) Dr processor fees / Cr
                                clearing; over-paid Dr clearing / Cr settlement suspense
        missing_in_ledger       hold_in_suspense: Dr clearing / Cr suspense by the gross (reversed if negative)
        duplicate (a line)      hold_in_suspense, as missing_in_ledger
        duplicate (a record)    investigate: void the duplicate record; no entry
        settled_not_posted      retry_posting: post the record to the ERP again; no entry
        missing_in_settlement, posted_but_not_settled, currency_mismatch: investigate; no entry
    A zero difference has nothing to post: investigate."""
    exception_class = ExceptionClass(exception["class"])
    line_id, record_id = exception.get("line_id"), exception.get("record_id")
    currency = exception.get("currency") or exception.get("ledger_currency") or ""
    difference = exception.get("difference")
    memo = f"reconciliation {exception_class.value}: line {line_id or '-'}, record {record_id or '-'}"
    clearing, suspense, fees = rules.gateway_clearing, rules.settlement_suspense, rules.processor_fees

    def hold(amount: int, what: str) -> Proposal:
        money = _major(abs(amount), currency)
        if amount > 0:
            return Proposal("hold_in_suspense", f"Hold {what} {money} in suspense {suspense} until placed",
                            _entry(clearing, suspense, amount, currency, memo))
        return Proposal("hold_in_suspense", f"Hold {what} {money} (money out) in suspense {suspense} until placed",
                        _entry(suspense, clearing, -amount, currency, memo))

    if exception_class in (ExceptionClass.UNEXPECTED_FEE, ExceptionClass.AMOUNT_MISMATCH,
                           ExceptionClass.MISSING_IN_LEDGER, ExceptionClass.DUPLICATE) and not difference:
        return Proposal("investigate", f"{exception_class.value} of line {line_id} with no amount to post: "
                                       "check the line with the processor")
    if exception_class is ExceptionClass.UNEXPECTED_FEE:
        assert difference is not None
        money = _major(abs(difference), currency)
        if difference > 0:
            return Proposal("post_fee_difference", f"Post fee difference {money} to {fees}",
                            _entry(fees, clearing, difference, currency, memo))
        return Proposal("post_fee_difference", f"Post fee credit {money} to {fees}",
                        _entry(clearing, fees, -difference, currency, memo))
    if exception_class is ExceptionClass.AMOUNT_MISMATCH:
        assert difference is not None
        money = _major(abs(difference), currency)
        if difference < 0:
            return Proposal("post_amount_difference",
                            f"Settled {money} less than record {record_id}: post the shortfall to {fees}",
                            _entry(fees, clearing, -difference, currency, memo))
        return Proposal("post_amount_difference",
                        f"Settled {money} more than record {record_id}: hold the excess in suspense {suspense}",
                        _entry(clearing, suspense, difference, currency, memo))
    if exception_class is ExceptionClass.MISSING_IN_LEDGER:
        assert difference is not None
        return hold(difference, f"line {line_id}, settled without a PayHub record,")
    if exception_class is ExceptionClass.DUPLICATE:
        assert difference is not None
        if line_id is not None:
            return hold(difference, f"line {line_id}, a repeat of the line settling {record_id},")
        return Proposal("investigate", f"Record {record_id} repeats a settled payment "
                                       f"({exception.get('amount')} minor units, same gateway reference): void it")
    if exception_class is ExceptionClass.SETTLED_NOT_POSTED:
        status = exception.get("gl_status") or "no posting"
        return Proposal("retry_posting", f"Line {line_id} settled record {record_id}, which the ERP has not "
                                         f"confirmed ({status}): retry its posting")
    amount = exception.get("amount")
    record_money = _major(amount, exception.get("ledger_currency") or currency) if amount is not None else "?"
    if exception_class is ExceptionClass.MISSING_IN_SETTLEMENT:
        return Proposal("investigate", f"The gateway reported record {record_id} ({record_money}) settled, but no "
                                       "settlement line settles it: ask the gateway for its batch")
    if exception_class is ExceptionClass.POSTED_BUT_NOT_SETTLED:
        return Proposal("investigate", f"Record {record_id} ({record_money}) is posted but no settlement line has "
                                       "settled it: check its status at the gateway")
    return Proposal("investigate", f"Line {line_id} settled in {exception.get('currency')}, record {record_id} "
                                   f"is in {exception.get('ledger_currency')}: check the record's currency")
