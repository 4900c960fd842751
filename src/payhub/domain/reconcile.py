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
                                   in `settlement`, and no amount or currency check applies to it (the fee and
                                   GL checks do).
The engine reads each input twice: narrow for matching, then the full rows of the lines and records the
exceptions name (by line_id / record_id, which must be unique); LazyFrames over files or frames are fine.

Matching (transaction lines only; each pass sees only what earlier passes left unmatched):

1. gateway reference: equal reference, the line's type corresponding to the record's kind. Within one
   (reference, kind), lines and records of equal amount are paired first, in order of occurrence then of row
   number (so several equal partial refunds each take one line); then an unpaired line that repeats a paired
   line's (reference, type, gross) is a duplicate; then what is left is paired in the same order whatever the
   amount (those pairs are amount or currency mismatches). References are compared as 64-bit hashes (`_load`).
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
LINE_TYPE = pl.Enum([t.value for t in LineType])
KIND = pl.Enum(list(KINDS))
CONFIRMED = GL_STATUSES.index("confirmed")  # the GL statuses rank: the best of a record's postings counts
REFERENCE_SEED = 14  # any fixed seed: hashes are compared within one run only


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


METHOD = pl.Enum([m.value for m in MatchMethod])


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
    """Match `settlement` against `ledger` and `gl` (schemas above) and report what does not agree.

    The inputs are read narrow for matching (references as 64-bit hashes, see `_load`), then once more for the
    full columns of the rows the exceptions name, by line_id and record_id."""
    lines, records = _load(settlement, ledger, gl)
    manual_pairs = _manual_pairs(manual, lines, records)
    txn = (lines.lazy().filter(pl.col("kind").is_not_null())
           .join(manual_pairs.lazy().select("li").drop_nulls(), on="li", how="anti")
           # what the line says its record's amount is: a reversal gives the chargeback's money back
           .with_columns(amount=pl.when(pl.col("reversal")).then(-pl.col("gross")).otherwise(pl.col("gross")))
           .select("li", "kind", "reversal", "ref", "mref", "currency", "amount", "occurred_at").collect())
    recs = (records.lazy().join(manual_pairs.lazy().select("ri").drop_nulls(), on="ri", how="anti")
            .select("ri", "kind", "ref", "mref", "currency", "amount", "occurred_at").collect())

    # pass 1: gateway reference; reversals against every chargeback record, as its second line
    with_ref = pl.col("ref").is_not_null()
    own_lines = txn.lazy().filter(~pl.col("reversal") & with_ref)
    reversal_lines = txn.lazy().filter(pl.col("reversal") & with_ref)
    ref_records = recs.lazy().filter(with_ref)
    chargeback_records = ref_records.filter(pl.col("kind") == "chargeback")
    own_exact = _pair_in_order(own_lines, ref_records, ["ref", "kind", "amount"]).collect()
    reversal_exact = _pair_in_order(reversal_lines, chargeback_records, ["ref", "kind", "amount"]).collect()
    exact = pl.concat([own_exact, reversal_exact])
    twins = (exact.lazy().join(txn.lazy(), on="li").group_by("ref", "kind", "reversal", "amount")
             .agg(pl.col("ri").min()))
    duplicates = (txn.lazy().filter(with_ref).join(exact.lazy(), on="li", how="anti")
                  .join(twins, on=["ref", "kind", "reversal", "amount"]).select("li", "ri")).collect()
    taken = pl.concat([exact.select("li"), duplicates.select("li")]).lazy()
    ordered = pl.concat([
        _pair_in_order(own_lines.join(taken, on="li", how="anti"),
                       ref_records.join(own_exact.lazy(), on="ri", how="anti"), ["ref", "kind"]),
        _pair_in_order(reversal_lines.join(taken, on="li", how="anti"),
                       chargeback_records.join(reversal_exact.lazy(), on="ri", how="anti"), ["ref", "kind"]),
    ]).collect()
    by_reference = pl.concat([exact, ordered])

    # pass 2: merchant reference
    settled_by_reference = by_reference.lazy().join(own_lines.select("li"), on="li", how="semi")
    left_lines = (txn.lazy().filter(~pl.col("reversal")).join(by_reference.lazy(), on="li", how="anti")
                  .join(duplicates.lazy(), on="li", how="anti").collect())
    left_records = recs.lazy().join(settled_by_reference, on="ri", how="anti").collect()
    with_mref = pl.col("mref").is_not_null()
    by_invoice = _compatible(
        _pair_in_order(left_lines.lazy().filter(with_mref), left_records.lazy().filter(with_mref),
                       ["mref", "kind", "currency", "amount"]), left_lines, left_records, ["ref"]).collect()

    # pass 3: amount within the date window, the only candidate on both sides
    left_lines = left_lines.join(by_invoice, on="li", how="anti")
    left_records = left_records.join(by_invoice, on="ri", how="anti")
    by_amount = _compatible(_pair_unique_in_window(left_lines.lazy(), left_records.lazy(), config.date_window),
                            left_lines, left_records, ["ref", "mref"]).collect()

    pairs = pl.concat([
        manual_pairs.filter(pl.col("li").is_not_null()).select("li", "ri", method=pl.lit(MatchMethod.MANUAL.value)),
        by_reference.with_columns(method=pl.lit(MatchMethod.GATEWAY_REFERENCE.value)),
        by_invoice.with_columns(method=pl.lit(MatchMethod.MERCHANT_REFERENCE.value)),
        by_amount.with_columns(method=pl.lit(MatchMethod.AMOUNT_WINDOW.value)),
    ]).with_columns(pl.col("method").cast(METHOD))
    found = _exceptions(lines, records, txn, recs, pairs, duplicates, config)
    exceptions = _with_both_sides(found, lines, records, settlement, ledger, gl)
    matches = _matches(pairs, manual_pairs, lines, records)
    return Reconciliation(matches, exceptions, _summary(lines, pairs, exceptions))


def _load(settlement: pl.LazyFrame, ledger: pl.LazyFrame, gl: pl.LazyFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The inputs, narrow and checked, with row numbers (`li`, `ri`) the passes join on and break ties by.
    References become 64-bit hashes (`ref`, `mref`; null stays null): joins on integers, a fraction of the memory.
    Two references colliding (about 3e-8 for a million) could only pair lines whose amounts also agree; otherwise
    the pair shows as an amount mismatch."""
    status_rank = pl.col("status").replace_strict({s: i for i, s in enumerate(GL_STATUSES)}, default=None,
                                                  return_dtype=pl.UInt8)
    gl_rank = (_conform(gl, GL_SCHEMA, "gl").select("record_id", rank=status_rank).group_by("record_id")
               .agg(pl.col("rank").min().alias("gl_rank"), pl.col("rank").is_null().any().alias("gl_unknown")))
    try:
        lines = _conform(settlement, SETTLEMENT_SCHEMA, "settlement").select(
            "line_id", pl.col("type").cast(LINE_TYPE, strict=False),
            pl.col("type").replace_strict(KIND_OF_LINE, default=None, return_dtype=KIND).alias("kind"),
            (pl.col("type") == LineType.CHARGEBACK_REVERSAL.value).alias("reversal"),
            _reference_hash("gateway_reference").alias("ref"), _reference_hash("merchant_reference").alias("mref"),
            "currency", "gross", "fee", "net", "occurred_at", pl.col("type").is_null().alias("type_missing"),
        ).with_row_index("li").collect(engine="streaming")
        records = _conform(ledger, LEDGER_SCHEMA, "ledger").select(
            "record_id", pl.col("kind").cast(KIND, strict=False),
            _reference_hash("gateway_reference").alias("ref"), _reference_hash("merchant_reference").alias("mref"),
            "currency", "amount", "occurred_at", "settled_reported", pl.col("kind").is_null().alias("kind_missing"),
        ).with_row_index("ri").join(gl_rank, on="record_id", how="left").collect(engine="streaming")
    except pl.exceptions.PolarsError as exc:
        raise ReconcileInputInvalid(f"Reconciliation input does not conform: {exc}") from exc
    _check(lines, pl.col("type").is_null() & ~pl.col("type_missing"), "settlement", "an unknown line type")
    _check(lines, pl.any_horizontal(pl.col("line_id", "type", "currency", "gross", "fee", "net",
                                           "occurred_at").is_null()), "settlement", "a required value missing")
    _check(lines, pl.col("line_id").is_duplicated(), "settlement", "a line_id repeated")
    _check(records, pl.col("kind").is_null() & ~pl.col("kind_missing"), "ledger", "an unknown kind")
    _check(records, pl.any_horizontal(pl.col("record_id", "kind", "currency", "amount", "occurred_at",
                                             "settled_reported").is_null()), "ledger", "a required value missing")
    _check(records, pl.col("record_id").is_duplicated(), "ledger", "a record_id repeated")
    _check(records, pl.col("gl_unknown").fill_null(False), "gl", "an unknown status")
    return lines.drop("type_missing"), records.drop("kind_missing", "gl_unknown")


def _reference_hash(column: str) -> pl.Expr:
    return pl.when(pl.col(column).is_not_null()).then(pl.col(column).hash(REFERENCE_SEED))


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


def _manual_pairs(manual: pl.LazyFrame | None, lines: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """(li, ri, record_id): li is null for a record matched by hand to a line not in `settlement` (it is
    withheld all the same), ri for a record not in `ledger`."""
    if manual is None:
        return pl.DataFrame(schema={"li": pl.UInt32(), "ri": pl.UInt32(), "record_id": pl.String()})
    try:
        given = _conform(manual, MANUAL_SCHEMA, "manual").unique().collect()
    except pl.exceptions.PolarsError as exc:
        raise ReconcileInputInvalid(f"Reconciliation input does not conform: {exc}") from exc
    return (given.lazy().join(lines.lazy().select("li", "line_id"), on="line_id", how="left")
            .join(records.lazy().select("ri", "record_id"), on="record_id", how="left")
            .filter(pl.col("li").is_not_null() | pl.col("ri").is_not_null())
            .select("li", "ri", "record_id").collect())


def _pair_in_order(lines: pl.LazyFrame, records: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    """(li, ri): within each key, the n-th line with the n-th record, by occurrence then row number: one to one."""
    def numbered(frame: pl.LazyFrame, index: str) -> pl.LazyFrame:
        row = pl.int_range(pl.len(), dtype=pl.UInt32)
        starts = pl.any_horizontal([pl.col(k).ne_missing(pl.col(k).shift()) for k in keys]) | (row == 0)
        return (frame.select(*keys, "occurred_at", index).sort(*keys, "occurred_at", index)
                .select(*keys, index, n=row - pl.when(starts).then(row).forward_fill()))
    return numbered(lines, "li").join(numbered(records, "ri"), on=[*keys, "n"]).select("li", "ri")


def _pair_unique_in_window(lines: pl.LazyFrame, records: pl.LazyFrame, window: timedelta) -> pl.LazyFrame:
    """(li, ri) where the line's only candidate record within the window is that record, and the other way round.
    Each side is numbered within (currency, kind, amount) in time order; an as-of join at t + window and a strict
    one at t − window tell how many of the other side lie in [t − window, t + window], and which is the last."""
    keys = ["currency", "kind", "amount"]

    def running(frame: pl.LazyFrame, index: str) -> pl.LazyFrame:
        return (frame.select(*keys, "occurred_at", index)
                .with_columns(seen=pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over(keys, order_by="occurred_at"))
                .sort("occurred_at").rename({"occurred_at": "at"}))

    def sole_candidate(probe: pl.LazyFrame, probe_index: str, other: pl.LazyFrame, other_index: str) -> pl.LazyFrame:
        other_seen = running(other, other_index)
        probe_times = probe.select(*keys, probe_index, upto=pl.col("occurred_at") + window,
                                   since=pl.col("occurred_at") - window)
        upto = probe_times.sort("upto").join_asof(other_seen, left_on="upto", right_on="at", by=keys,
                                                  strategy="backward", check_sortedness=False)
        before = probe_times.sort("since").join_asof(
            other_seen.select(*keys, "at", seen_before="seen"), left_on="since", right_on="at", by=keys,
            strategy="backward", allow_exact_matches=False, check_sortedness=False)
        in_window = pl.col("seen").fill_null(0) - pl.col("seen_before").fill_null(0)
        return (upto.join(before.select(probe_index, "seen_before"), on=probe_index).filter(in_window == 1)
                .select(probe_index, pl.col(other_index).alias(f"sole_{other_index}")))

    line_side = sole_candidate(lines, "li", records, "ri")
    record_side = sole_candidate(records, "ri", lines, "li")
    return line_side.join(record_side, left_on=["li", "sole_ri"], right_on=["sole_li", "ri"]).select(
        "li", ri="sole_ri")


def _compatible(pairs: pl.LazyFrame, lines: pl.DataFrame, records: pl.DataFrame, columns: list[str]) -> pl.LazyFrame:
    """Drop pairs whose references (each of `columns`) are known on both sides and differ."""
    pairs = (pairs.join(lines.lazy().select("li", *columns), on="li")
             .join(records.lazy().select("ri", *[pl.col(c).alias(f"{c}_record") for c in columns]), on="ri"))
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


def _exceptions(lines: pl.DataFrame, records: pl.DataFrame, txn: pl.DataFrame, recs: pl.DataFrame,
                pairs: pl.DataFrame, duplicates: pl.DataFrame, config: ReconcileConfig) -> pl.DataFrame:
    """(class, li, ri, difference) of every exception; li or ri null for a missing side."""
    cls = ExceptionClass
    found: list[pl.LazyFrame] = []

    def add(frame: pl.LazyFrame, exception_class: ExceptionClass, difference: pl.Expr) -> None:
        found.append(frame.select(pl.lit(exception_class.value).alias("class"), pl.col("li").cast(pl.UInt32),
                                  pl.col("ri").cast(pl.UInt32), difference.cast(pl.Int64).alias("difference")))

    # every check on a matched pair, over one frame of both sides' facts
    paired = (pairs.lazy().join(lines.lazy().select("li", "type", "reversal", "currency", "gross", "fee"), on="li")
              .join(records.lazy().select("ri", ledger_currency="currency", record_amount="amount",
                                          gl_rank="gl_rank"), on="ri", how="left").collect())
    by_reference = paired.lazy().filter(pl.col("method") == MatchMethod.GATEWAY_REFERENCE.value)
    same_currency = pl.col("currency") == pl.col("ledger_currency")
    expected_gross = pl.when(pl.col("reversal")).then(-pl.col("record_amount")).otherwise(pl.col("record_amount"))
    add(by_reference.filter(same_currency & (pl.col("gross") != expected_gross)), cls.AMOUNT_MISMATCH,
        pl.col("gross") - expected_gross)
    add(by_reference.filter(~same_currency), cls.CURRENCY_MISMATCH, pl.lit(None))
    # a record is settled by its own-kind line (or one matched by hand): a reversal does not settle it
    settling = paired.lazy().filter(~pl.col("reversal") & pl.col("ri").is_not_null())
    add(settling.filter(pl.col("gl_rank").fill_null(CONFIRMED + 1) != CONFIRMED), cls.SETTLED_NOT_POSTED,
        pl.col("record_amount"))
    if config.fee_rate_bps is not None:
        excess = pl.col("fee") - _expected_fee(pl.col("gross"), config.fee_rate_bps, config.fee_fixed)
        add(paired.lazy().filter(excess > config.fee_tolerance), cls.UNEXPECTED_FEE, excess)
    add(lines.lazy().filter(pl.col("type").is_in(FEE_LINES)).with_columns(ri=pl.lit(None)), cls.UNEXPECTED_FEE,
        pl.col("fee") - pl.col("gross"))

    add(duplicates.lazy().join(lines.lazy().select("li", "gross"), on="li"), cls.DUPLICATE, pl.col("gross"))
    add(txn.lazy().join(pairs.lazy(), on="li", how="anti").join(duplicates.lazy(), on="li", how="anti")
        .join(lines.lazy().select("li", "gross"), on="li").with_columns(ri=pl.lit(None)),
        cls.MISSING_IN_LEDGER, pl.col("gross"))

    unsettled = (recs.lazy().select("ri").join(settling.select("ri"), on="ri", how="anti")
                 .join(records.lazy(), on="ri").with_columns(li=pl.lit(None)).collect())
    # a payment recorded twice: unsettled, but its reference and amount are those of a settled payment
    settled_payments = (records.lazy().join(settling.select("ri"), on="ri", how="semi")
                        .filter(pl.col("kind") == "payment").select("ref", "amount"))
    twice = (unsettled.lazy().filter(pl.col("kind") == "payment")
             .join(settled_payments, on=["ref", "amount"], how="semi")).collect()
    add(twice.lazy(), cls.DUPLICATE, -pl.col("amount"))
    unsettled = unsettled.join(twice.select("ri"), on="ri", how="anti")
    add(unsettled.lazy().filter(pl.col("settled_reported")), cls.MISSING_IN_SETTLEMENT, -pl.col("amount"))
    due = pl.lit(config.as_of.astimezone(UTC) - config.unsettled_after, dtype=UTC_MICROS)
    add(unsettled.lazy().filter(~pl.col("settled_reported") & (pl.col("gl_rank") == CONFIRMED)
                                & (pl.col("occurred_at") < due)), cls.POSTED_BUT_NOT_SETTLED, -pl.col("amount"))
    return pl.concat(found).collect()


def _with_both_sides(found: pl.DataFrame, lines: pl.DataFrame, records: pl.DataFrame, settlement: pl.LazyFrame,
                     ledger: pl.LazyFrame, gl: pl.LazyFrame) -> pl.DataFrame:
    """The exceptions with both sides' full columns, read again from the inputs for the rows named only."""
    found = (found.lazy().join(lines.lazy().select("li", "line_id"), on="li", how="left")
             .join(records.lazy().select("ri", "record_id"), on="ri", how="left").collect())
    line_ids = found["line_id"].drop_nulls().unique().implode()
    record_ids = found["record_id"].drop_nulls().unique().implode()
    line_side = _conform(settlement, SETTLEMENT_SCHEMA, "settlement").filter(pl.col("line_id").is_in(line_ids))
    record_side = (_conform(ledger, LEDGER_SCHEMA, "ledger").filter(pl.col("record_id").is_in(record_ids))
                   .select("record_id", "payment_id", "kind", ledger_currency="currency", amount="amount"))
    status_rank = pl.col("status").replace_strict({s: i for i, s in enumerate(GL_STATUSES)}, return_dtype=pl.UInt8)
    gl_side = (_conform(gl, GL_SCHEMA, "gl").filter(pl.col("record_id").is_in(record_ids)).group_by("record_id")
               .agg(gl_status=pl.col("status").sort_by(status_rank).first(),
                    gl_amount=pl.col("amount").sort_by(status_rank).first()))
    fingerprint = pl.concat_str([pl.col("class"), pl.col("line_id").fill_null(""), pl.col("record_id").fill_null("")],
                                separator=":")
    return (found.lazy().select("class", "line_id", "record_id", "difference")
            .join(line_side, on="line_id", how="left")
            .join(record_side, on="record_id", how="left").join(gl_side, on="record_id", how="left")
            .with_columns(fingerprint=fingerprint).select(*EXCEPTION_SCHEMA.names())
            .sort("class", "line_id", "record_id", nulls_last=True).collect().cast(EXCEPTION_SCHEMA))


def _matches(pairs: pl.DataFrame, manual_pairs: pl.DataFrame, lines: pl.DataFrame,
             records: pl.DataFrame) -> pl.DataFrame:
    automatic = (pairs.lazy().filter(pl.col("method") != MatchMethod.MANUAL.value)
                 .join(records.lazy().select("ri", "record_id"), on="ri").select("li", "record_id", "method"))
    by_hand = manual_pairs.lazy().filter(pl.col("li").is_not_null()).select(
        "li", "record_id", method=pl.lit(MatchMethod.MANUAL.value))
    return (pl.concat([by_hand, automatic.with_columns(pl.col("method").cast(pl.String))])
            .join(lines.lazy().select("li", "line_id"), on="li").sort("li", "method")
            .select(*MATCH_SCHEMA.names()).collect())


def _summary(lines: pl.DataFrame, pairs: pl.DataFrame, exceptions: pl.DataFrame) -> Summary:
    matched = pl.col("matched_line")
    per_currency = (lines.lazy().filter(pl.col("type") != LineType.PAYOUT.value)
                    .join(pairs.lazy().select("li").unique().with_columns(matched_line=pl.lit(True)), on="li",
                          how="left").with_columns(matched.fill_null(False))
                    .group_by("currency").agg(
                        pl.len().alias("lines"), matched.sum().alias("matched"),
                        pl.col("gross").sum(), pl.col("fee").sum(), pl.col("net").sum(),
                        pl.col("gross").filter(matched).sum().alias("matched_gross"),
                        pl.col("fee").filter(matched).sum().alias("matched_fee"),
                        pl.col("net").filter(matched).sum().alias("matched_net"))
                    .sort("currency").collect().cast(SUMMARY_SCHEMA))
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
