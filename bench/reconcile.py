"""Reconciliation engine benchmark (prints figures, asserts nothing).

    python bench/reconcile.py                 # about 1,000,000 settlement lines
    python bench/reconcile.py --lines 100000  # smaller

1. Generates (not timed), with polars, a PayHub ledger of payments (8 % with a partial refund, 2 % with two,
   0.5 % disputed, a fifth of those won), their GL postings, and the settlement derived from it: one line per
   record (a won dispute adds its reversal line), fees within the expected 2.9 % + 0.30, references left out on
   a few lines so that the merchant-reference and amount-and-date passes have work, the last day's records not
   settled yet. Then a sprinkle of faults, each on about 1 payment in 10,000: a line dropped (with and
   without the gateway's settled report), an amount altered, a line repeated, a currency changed, a GL posting
   missing, a line with no PayHub record, a stray fee line. Written as parquet files to a temp directory.
2. In a fresh subprocess: `reconcile` over `pl.scan_parquet` of the three files. Prints the seconds, lines/s,
   the subprocess's peak RSS (getrusage ru_maxrss) and the exceptions found per class against those injected.
3. Baseline in the same run, also in a fresh subprocess: a plain polars inner join of the settlement and the
   ledger files on gateway_reference, collected. The ratio says how many such joins the engine costs.
4. With --from-database, the same data loaded (not timed) into a migrated SQLite database as PayHub stores it
   (payments, refunds, disputes, confirmed postings and their GL lines, settlement batches and lines), then a
   whole run in a fresh subprocess: `payhub.reconciliation.runs.run`, which reads the frames from the database
   in batches, reconciles, and keeps the exceptions with their proposals and events.
5. With --postgres URL, the same database copied into that PostgreSQL database (emptied first; not timed) and a
   whole run there, which reads the frames through COPY.
Targets (2-core machine): ≥ 100,000 lines/s and < 1 GB peak RSS for the engine's process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the repository root

AS_OF = datetime(2025, 6, 30, tzinfo=UTC)
FEE_BPS, FEE_FIXED, FEE_TOLERANCE = 290, 30, 0
TARGET_LINES_PER_S = 100_000
TARGET_RSS_MB = 1024
LINES_PER_PAYMENT = 1.086  # refunds and reversals add lines, the last day's records are not settled yet
FAULTS = {  # code (of hash % 10,000 on payments) -> the exception class it should produce
    1: "posted_but_not_settled",  # line dropped
    2: "missing_in_settlement",  # line dropped, the gateway said it settled
    3: "amount_mismatch",
    4: "duplicate",
    5: "currency_mismatch",
    6: "settled_not_posted",  # GL posting missing
    7: "missing_in_ledger",  # a line whose payment PayHub does not have
    8: "unexpected_fee",  # a stray fee line
}


def rand(column: str, seed: int, modulo: int) -> pl.Expr:
    return (pl.col(column).hash(seed) % modulo).cast(pl.Int64)


def generate(payments: int, directory: Path) -> dict[str, int]:
    """Writes settlement.parquet, ledger.parquet and gl.parquet; returns the faults injected per class."""
    seconds = 60 * 86_400
    base = pl.LazyFrame({"i": pl.int_range(payments, dtype=pl.Int64, eager=True)}).with_columns(
        amount=100 + rand("i", 1, 10_000_000),
        currency=pl.when(rand("i", 2, 10) == 0).then(pl.lit("EUR")).otherwise(pl.lit("USD")),
        occurred_at=pl.lit(AS_OF - timedelta(days=61)) + pl.duration(seconds=rand("i", 3, seconds)),
        gateway_reference=pl.format("pi_3N{}x{}", rand("i", 4, 10**12), pl.col("i")),
        merchant_reference=pl.format("INV-{}", pl.col("i")),
        fate=rand("i", 5, 1000),  # < 80 refunded (< 20 twice), 900..904 disputed (900 won)
        fault=pl.when(rand("i", 6, 10_000).is_between(1, len(FAULTS))).then(rand("i", 6, 10_000)).otherwise(0),
        no_reference=rand("i", 7, 1000) < 10,  # matched by merchant reference, or (< 3) by amount and date
    ).with_columns(payment_id=pl.format("pay_{}", pl.col("i")))
    common = ["payment_id", "gateway_reference", "merchant_reference", "currency", "fault", "no_reference", "i"]
    paid = base.select(*common, pl.col("payment_id").alias("record_id"), pl.lit("payment").alias("kind"),
                       "amount", "occurred_at")
    first_refund = base.filter(pl.col("fate") < 80).select(
        *common, pl.format("rfd_{}_1", pl.col("i")).alias("record_id"), pl.lit("refund").alias("kind"),
        -(pl.col("amount") * (1 + rand("i", 8, 50)) // 100).alias("amount"),
        pl.col("occurred_at") + timedelta(days=2))
    second_refund = base.filter(pl.col("fate") < 20).select(
        *common, pl.format("rfd_{}_2", pl.col("i")).alias("record_id"), pl.lit("refund").alias("kind"),
        -(pl.col("amount") * (51 + rand("i", 9, 40)) // 1000).alias("amount"),
        pl.col("occurred_at") + timedelta(days=3))
    disputed = base.filter(pl.col("fate").is_between(900, 904)).select(
        *common, pl.format("dp_{}", pl.col("i")).alias("record_id"), pl.lit("chargeback").alias("kind"),
        (-pl.col("amount")).alias("amount"), pl.col("occurred_at") + timedelta(days=4),
        (pl.col("fate") == 900).alias("won"))
    records = pl.concat([paid, first_refund, second_refund, disputed], how="diagonal").with_columns(
        pl.col("won").fill_null(False),
        settles_at=pl.col("occurred_at") + pl.duration(seconds=86_400 + rand("record_id", 10, 86_400)),
        fault=pl.when(pl.col("kind") == "payment").then(pl.col("fault")).otherwise(0),
        # a reference the lines leave out only on payments without refunds or disputes, so passes 2 and 3 are clean
        no_reference=pl.col("no_reference") & (pl.col("kind") == "payment"),
    ).with_columns(settled=pl.col("settles_at") <= AS_OF).collect()
    records = records.with_columns(
        no_reference=pl.col("no_reference")
        & (pl.col("payment_id").is_in(records.filter(pl.col("kind") != "payment")["payment_id"].implode()).not_()),
        # faults only where they show: settled (or due to be: older than unsettled_after), with a reference
        fault=pl.when(pl.col("settled") & ~pl.col("no_reference") & (pl.col("occurred_at") < AS_OF - timedelta(days=6)))
        .then(pl.col("fault")).otherwise(0),
    )
    records.select("record_id", "payment_id", "kind", "gateway_reference", "merchant_reference", "currency", "amount",
                   "occurred_at", settled_reported=(pl.col("fault") == 2)).write_parquet(directory / "ledger.parquet")
    records.filter(pl.col("fault") != 6).select("record_id", pl.lit("confirmed").alias("status"), "amount") \
        .write_parquet(directory / "gl.parquet")

    settled = records.lazy().filter(pl.col("settled") & ~pl.col("fault").is_in([1, 2]))
    fee = (pl.col("amount").abs() * FEE_BPS // 10_000 + FEE_FIXED - rand("record_id", 11, 3)).clip(lower_bound=0)
    line = settled.select(
        "record_id", "fault",
        type=pl.col("kind"),
        gateway_reference=pl.when(pl.col("no_reference")).then(None).otherwise(pl.col("gateway_reference")),
        merchant_reference=pl.when(pl.col("no_reference") & (rand("i", 7, 1000) < 3)).then(None)
        .otherwise(pl.col("merchant_reference")),
        currency=pl.when(pl.col("fault") == 5).then(pl.lit("GBP")).otherwise(pl.col("currency")),
        gross=pl.when(pl.col("fault") == 3).then(pl.col("amount") + 100).otherwise(pl.col("amount")),
        fee=pl.when(pl.col("kind") == "payment").then(fee).otherwise(0),
        occurred_at="settles_at",
    )
    reversal = settled.filter(pl.col("won")).select(
        "record_id", pl.lit(0, pl.Int64).alias("fault"), pl.lit("chargeback_reversal").alias("type"),
        "gateway_reference", "merchant_reference", "currency", (-pl.col("amount")).alias("gross"),
        pl.lit(0, pl.Int64).alias("fee"), (pl.col("settles_at") + timedelta(hours=12)).alias("occurred_at"))
    repeated = line.filter(pl.col("fault") == 4).with_columns(pl.col("occurred_at") + timedelta(hours=1))
    orphan = line.filter(pl.col("fault") == 7).with_columns(
        gateway_reference=pl.format("pi_orphan_{}", pl.col("record_id")), merchant_reference=None,
        gross=pl.col("gross") + 7)
    stray = line.filter(pl.col("fault") == 8).select(
        "record_id", "fault", pl.lit("fee").alias("type"), pl.lit(None, pl.String).alias("gateway_reference"),
        pl.lit(None, pl.String).alias("merchant_reference"), "currency", pl.lit(0, pl.Int64).alias("gross"),
        pl.lit(1_500, pl.Int64).alias("fee"), "occurred_at")
    lines = pl.concat([line, reversal, repeated, orphan, stray]).with_row_index("n").select(
        pl.format("ln_{}", pl.col("n")).alias("line_id"),
        pl.format("po_{}", pl.col("occurred_at").dt.date()).alias("batch_id"),
        "type", "gateway_reference", "merchant_reference", "currency", "gross", "fee",
        (pl.col("gross") - pl.col("fee")).alias("net"), "occurred_at")
    lines.sink_parquet(directory / "settlement.parquet")
    counts = dict(records.filter(pl.col("fault") > 0).group_by("fault").len().iter_rows())
    return {FAULTS[code]: int(counts.get(code, 0)) for code in FAULTS}


def child_engine(directory: Path) -> None:
    from payhub.domain.reconcile import ReconcileConfig, reconcile

    config = ReconcileConfig(as_of=AS_OF, fee_rate_bps=FEE_BPS, fee_fixed=FEE_FIXED, fee_tolerance=FEE_TOLERANCE)
    started = time.perf_counter()
    result = reconcile(pl.scan_parquet(directory / "settlement.parquet"), pl.scan_parquet(directory / "ledger.parquet"),
                       pl.scan_parquet(directory / "gl.parquet"), config)
    seconds = time.perf_counter() - started
    lines = pl.scan_parquet(directory / "settlement.parquet").select(pl.len()).collect().item()
    report(seconds, lines, matched=result.matches.height,
           exceptions={str(k): v for k, v in result.summary.exceptions_by_class.items()})


def child_run(directory: Path) -> None:
    from payhub.bootstrap import build_services
    from payhub.reconciliation.runs import run
    from payhub.settings import Settings

    url = os.environ.get("PAYHUB_BENCH_DATABASE_URL") or database_url(directory)
    svc = build_services(Settings(database_url=url, secret_key="bench"))
    started = time.perf_counter()
    done = run(svc, ENTITY, trigger="cli", as_of=AS_OF)
    seconds = time.perf_counter() - started
    svc.close()
    report(seconds, done.summary["lines"], matched=done.summary["matched"],
           exceptions=done.summary["exceptions_by_class"])


ENTITY = "ent_bench"
STAMP = "%Y-%m-%d %H:%M:%S%.6f"  # how PayHub's SQLite columns hold UTC times (polars' chrono format)


def database_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'payhub.db'}"


def load_database(directory: Path) -> None:
    """The generated data as PayHub stores it, written straight through sqlite3 (not timed)."""
    import sqlite3

    from payhub.store.migrate import upgrade

    upgrade(database_url(directory))
    ledger = pl.read_parquet(directory / "ledger.parquet").with_columns(
        at=pl.col("occurred_at").dt.strftime(STAMP), magnitude=pl.col("amount").abs())
    gl = pl.read_parquet(directory / "gl.parquet").join(ledger.select("record_id", "payment_id", "kind", "currency",
                                                                       "magnitude", "at"), on="record_id")
    lines = pl.read_parquet(directory / "settlement.parquet").with_columns(at=pl.col("occurred_at").dt.strftime(STAMP))
    db = sqlite3.connect(directory / "payhub.db")
    settings = json.dumps({"fee_rate_bps": FEE_BPS, "fee_fixed": FEE_FIXED, "fee_tolerance": FEE_TOLERANCE})
    db.execute("INSERT INTO entities (id, name, default_currency, gateway, posting_rules, timezone, branding, portal, "
               "erp, capture_fee_allocation, disputes, reconciliation, created_at) VALUES (?, 'Bench', 'USD', "
               "'simulator', '{}', 'UTC', '{}', '{}', '{}', 'proportional', '{}', ?, ?)",
               (ENTITY, settings, AS_OF.strftime("%Y-%m-%d %H:%M:%S.%f")))
    payments = ledger.filter(pl.col("kind") == "payment")
    db.executemany(
        "INSERT INTO payments (id, entity_id, customer_id, customer_name, status, currency, amount, amount_captured, "
        "amount_refunded, capture_method, channel, method_type, gateway, gateway_reference, description, metadata, "
        "fees, level3, routing_reasons, attempts, gateway_candidates, settled_at, created_at, updated_at) VALUES "
        "(?, ?, 'cus_bench', '', ?, ?, ?, ?, 0, 'automatic', 'api', 'card', 'simulator', ?, '', '{}', '{}', ?, "
        "'[]', '[]', '[]', ?, ?, ?)",
        ((r["record_id"], ENTITY, "settled" if r["settled_reported"] else "captured", r["currency"], r["magnitude"],
          r["magnitude"], r["gateway_reference"], json.dumps({"merchant_reference": r["merchant_reference"]}),
          r["at"] if r["settled_reported"] else None, r["at"], r["at"]) for r in payments.iter_rows(named=True)))
    db.executemany(
        "INSERT INTO refunds (id, entity_id, payment_id, amount, currency, status, reason, created_at) "
        "VALUES (?, ?, ?, ?, ?, 'succeeded', '', ?)",
        ((r["record_id"], ENTITY, r["payment_id"], r["magnitude"], r["currency"], r["at"])
         for r in ledger.filter(pl.col("kind") == "refund").iter_rows(named=True)))
    db.executemany(
        "INSERT INTO disputes (id, entity_id, payment_id, gateway, dispute_reference, status, raw_status, reason, "
        "amount, currency, evidence, source, opened_at, created_at, updated_at) VALUES "
        "(?, ?, ?, 'simulator', ?, 'needs_response', 'needs_response', '', ?, ?, '{}', 'settlement', ?, ?, ?)",
        ((r["record_id"], ENTITY, r["payment_id"], r["record_id"], r["magnitude"], r["currency"], r["at"], r["at"],
          r["at"]) for r in ledger.filter(pl.col("kind") == "chargeback").iter_rows(named=True)))
    kinds = {"payment": "capture", "refund": "refund", "chargeback": "chargeback"}
    db.executemany(
        "INSERT INTO postings (id, entity_id, payment_id, refund_id, source_id, kind, status, erp, attempts, "
        "warnings, created_at, posted_at) VALUES (?, ?, ?, ?, ?, ?, 'confirmed', 'embedded', 1, '[]', ?, ?)",
        ((f"pst_{r['record_id']}", ENTITY, r["payment_id"], r["record_id"] if r["kind"] == "refund" else None,
          r["record_id"] if r["kind"] == "chargeback" else None, kinds[r["kind"]], r["at"], r["at"])
         for r in gl.iter_rows(named=True)))
    db.executemany(
        "INSERT INTO gl_lines (posting_id, line_no, account, debit, credit, currency, dimensions) "
        "VALUES (?, 1, '1150', ?, 0, ?, '{}')",
        ((f"pst_{r['record_id']}", r["magnitude"], r["currency"]) for r in gl.iter_rows(named=True)))
    batches = lines.group_by("batch_id").agg(pl.len().alias("n"), pl.col("at").max().alias("last"))
    db.executemany(
        "INSERT INTO settlement_batches (id, entity_id, gateway, batch_ref, filename, file_sha256, settled_at, "
        "line_count, totals, matched, imported_at) VALUES (?, ?, 'simulator', ?, '', ?, ?, ?, '[]', 0, ?)",
        ((r["batch_id"], ENTITY, r["batch_id"], r["batch_id"], r["last"], r["n"], r["last"])
         for r in batches.iter_rows(named=True)))
    db.executemany(
        "INSERT INTO settlement_lines (id, batch_id, entity_id, line_no, type, provider_type, gateway_reference, "
        "merchant_reference, currency, gross, fee, net, occurred_at, description) VALUES "
        "(?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, '')",
        ((r["line_id"], r["batch_id"], ENTITY, n, r["type"], r["gateway_reference"], r["merchant_reference"],
          r["currency"], r["gross"], r["fee"], r["net"], r["at"])
         for n, r in enumerate(lines.iter_rows(named=True), 2)))
    db.commit()
    db.close()


COPIED_TABLES = ("entities", "payments", "refunds", "disputes", "postings", "gl_lines", "settlement_batches",
                 "settlement_lines")


def load_postgres(directory: Path, url: str) -> str:
    """The SQLite database copied into `url` (emptied, then migrated) with COPY. Returns the SQLAlchemy URL."""
    import sqlite3

    import psycopg

    from payhub.store.migrate import upgrade

    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain, autocommit=True) as pg:
        pg.execute("DROP SCHEMA public CASCADE")
        pg.execute("CREATE SCHEMA public")
    upgrade(plain.replace("postgresql://", "postgresql+psycopg://", 1))
    source = sqlite3.connect(directory / "payhub.db")
    with psycopg.connect(plain) as pg:
        pg.execute("SET TimeZone = 'UTC'")  # SQLite's times are UTC without an offset
        for table in COPIED_TABLES:
            columns = ", ".join(r[1] for r in source.execute(f"PRAGMA table_info({table})"))
            with pg.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in source.execute(f"SELECT {columns} FROM {table}"):
                    copy.write_row(row)
        pg.execute("ANALYZE")
    source.close()
    return plain.replace("postgresql://", "postgresql+psycopg://", 1)


def child_join(directory: Path) -> None:
    started = time.perf_counter()
    joined = pl.scan_parquet(directory / "settlement.parquet").join(
        pl.scan_parquet(directory / "ledger.parquet"), on="gateway_reference").collect()
    seconds = time.perf_counter() - started
    lines = pl.scan_parquet(directory / "settlement.parquet").select(pl.len()).collect().item()
    report(seconds, lines, matched=joined.height)


def report(seconds: float, lines: int, **extra: Any) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"seconds": seconds, "lines": lines, "peak_rss_mb": usage.ru_maxrss / 1024,  # kB on Linux
                      "process_cpu_seconds": usage.ru_utime + usage.ru_stime, **extra}))


def run_child(mode: str, directory: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", mode, str(directory)],
                          capture_output=True, text=True, env={**os.environ, **(env or {})})
    if done.returncode:
        raise SystemExit(f"the {mode} subprocess failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000, help="settlement lines, about")
    parser.add_argument("--from-database", action="store_true",
                        help="also a whole run (payhub.reconciliation.runs.run) reading PayHub's SQLite database")
    parser.add_argument("--postgres", metavar="URL",
                        help="also a whole run on this PostgreSQL database, which is EMPTIED first")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        {"engine": child_engine, "join": child_join, "run": child_run}[args.child[0]](Path(args.child[1]))
        return
    from bench.harness import out, verdict  # not in the children: their RSS is the figure

    with tempfile.TemporaryDirectory(prefix="payhub-recon-") as tmp:
        directory = Path(tmp)
        payments = round(args.lines / LINES_PER_PAYMENT)
        injected = generate(payments, directory)
        sizes = sum(f.stat().st_size for f in directory.iterdir())
        out("payments generated", payments)
        out("parquet MB", f"{sizes / 2**20:.0f}")
        join = run_child("join", directory)
        engine = run_child("engine", directory)
        wholes: dict[str, dict[str, Any]] = {}
        if args.from_database or args.postgres:
            load_database(directory)
        if args.from_database:
            wholes["SQLite"] = run_child("run", directory)
        if args.postgres:
            url = load_postgres(directory, args.postgres)
            wholes["PostgreSQL"] = run_child("run", directory, {"PAYHUB_BENCH_DATABASE_URL": url})
    lines_per_s = engine["lines"] / engine["seconds"]
    out("settlement lines", engine["lines"])
    out("reconcile seconds", f"{engine['seconds']:.2f}")
    out("reconcile lines/s", f"{lines_per_s:,.0f}")
    out("reconcile peak RSS MB", f"{engine['peak_rss_mb']:.0f}")
    out("reconcile process CPU seconds (imports and reading included; steadier under load)",
        f"{engine['process_cpu_seconds']:.2f}")
    out("matched lines", engine["matched"])
    for cls, found in engine["exceptions"].items():
        out(f"exceptions {cls} (injected)", f"{found} ({injected.get(cls, 0)})")
    out("baseline: plain join on gateway_reference, seconds", f"{join['seconds']:.2f}")
    out("baseline: plain join lines/s", f"{join['lines'] / join['seconds']:,.0f}")
    out("baseline: plain join peak RSS MB", f"{join['peak_rss_mb']:.0f}")
    out("baseline: plain join process CPU seconds", f"{join['process_cpu_seconds']:.2f}")
    out("ratio reconcile seconds / plain join seconds", f"{engine['seconds'] / join['seconds']:.1f}")
    out(f"target lines/s >= {TARGET_LINES_PER_S:,}", verdict(lines_per_s >= TARGET_LINES_PER_S))
    out(f"target peak RSS MB < {TARGET_RSS_MB}", verdict(engine["peak_rss_mb"] < TARGET_RSS_MB))
    for database, whole in wholes.items():
        whole_rate = whole["lines"] / whole["seconds"]
        label = f"whole run from {database}"
        out(f"{label}: seconds (read, reconcile, keep exceptions and events)", f"{whole['seconds']:.2f}")
        out(f"{label}: lines/s", f"{whole_rate:,.0f}")
        out(f"{label}: peak RSS MB", f"{whole['peak_rss_mb']:.0f}")
        out(f"{label}: process CPU seconds", f"{whole['process_cpu_seconds']:.2f}")
        for cls, found in whole["exceptions"].items():
            out(f"{label}: exceptions {cls} (injected)", f"{found} ({injected.get(cls, 0)})")
        out(f"ratio {label} seconds / engine seconds", f"{whole['seconds'] / engine['seconds']:.1f}")
        out(f"{label}: target lines/s >= {TARGET_LINES_PER_S:,}", verdict(whole_rate >= TARGET_LINES_PER_S))
        out(f"{label}: target peak RSS MB < {TARGET_RSS_MB}", verdict(whole["peak_rss_mb"] < TARGET_RSS_MB))


if __name__ == "__main__":
    main()
