"""A real Tryton (trytond 8.2, SQLite) for the Tryton connector tests and for developers.

One command sets it up on first use (about 20 s, cached in --dir) and serves it in the foreground:

    python tests/erp/tryton_fixture.py serve --dir /tmp/tryton --port 8010

It prints the JSON description (also written to <dir>/payhub-tryton.json): url, db, user, password,
company, parties, invoices, accounts and payment method, i.e. what a `TrytonMapping` needs.

Importable for pytest: `setup(dir) -> dict` and `start(dir, port) -> (Popen, dict)`, `stop(proc)`.
The business set-up runs in a child process so trytond's global config and pool never load in the
caller's process.

Accounts (PayHub code → Tryton):
- 1200 receivable: the chart's "1.2.1 Accounts, Notes And Loans Receivable" (party required).
- 1150 gateway clearing: "1.1.5 Gateway Clearing", a new cash-type asset; the payment method's debit
  and credit account, so every invoice payment is Dr clearing / Cr receivable.
- 2150 customer credit: "2.2.5 Customer Credits (Unapplied Cash)", a new liability with party required,
  so unapplied cash stays a debt to a named customer, visible per party, instead of sitting as an
  anonymous credit on the receivable (Tryton's "overpayment" style), which PayHub keeps apart.
- 1000 bank: "1.1.6 Bank (Gateway Payouts)", a new cash-type asset, where settlement batches pay out.
- 6100 processor fees: "5.2.4 Payment Processing Fees", a new expense.
- 1250 chargebacks receivable: "1.2.4 Chargebacks Receivable", a new receivable with party required (the
  disputed customer), until the dispute is decided.
- 6200 chargeback losses: "5.2.5 Chargeback Losses", a new expense.
- 2190 settlement suspense: "2.2.6 Settlement Suspense", a new liability, no party.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

DB = "payhub"
USER = "admin"
PASSWORD = "payhub-tryton-admin"  # a throw-away instance bound to 127.0.0.1
INFO = "payhub-tryton.json"
CONF = "trytond.conf"

CLEARING_CODE = "1.1.5"
CREDIT_CODE = "2.2.5"
VERSION = 2  # of the business set-up: a cached directory of another version is set up again


def write_conf(directory: Path, port: int = 8000) -> Path:
    conf = directory / CONF
    conf.write_text(
        f"[database]\nuri = sqlite://\npath = {directory}\n\n[web]\nlisten = 127.0.0.1:{port}\n")
    return conf


def setup(directory: str | Path) -> dict[str, Any]:
    """Create and fill the database unless <dir> already has it; return the description (no url)."""
    directory = Path(directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    info_path = directory / INFO
    if (directory / f"{DB}.sqlite").exists() and info_path.exists():
        cached: dict[str, Any] = json.loads(info_path.read_text())
        if cached.get("version") == VERSION:
            return {k: v for k, v in cached.items() if k not in ("url", "port")}  # from an earlier start()
    (directory / f"{DB}.sqlite").unlink(missing_ok=True)  # a half-made database: start over
    conf = write_conf(directory)
    (directory / f"{DB}.sqlite").touch()  # trytond refuses to init a SQLite file that does not exist
    passfile = directory / "admin.pass"
    passfile.write_text(PASSWORD + "\n")
    env = {**os.environ, "TRYTONPASSFILE": str(passfile)}  # else trytond-admin prompts for a password
    _run([sys.executable, "-c", "import sys; from trytond.cli.admin import main; sys.exit(main())",
          "-c", str(conf), "-d", DB, "-u", "account_invoice", "--activate-dependencies",
          "--email", "admin@example.com"], env)
    _run([sys.executable, str(Path(__file__).resolve()), "_business", "--dir", str(directory)], env)
    info: dict[str, Any] = json.loads(info_path.read_text())
    return info


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command[:3])}... failed:\n{(done.stdout + done.stderr)[-3000:]}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(directory: str | Path, port: int | None = None, timeout: float = 60.0
          ) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    """Set up if needed, start trytond on 127.0.0.1:<port> and wait until JSON-RPC answers."""
    directory = Path(directory).resolve()
    info = setup(directory)
    port = port or free_port()
    conf = write_conf(directory, port)
    with open(directory / "trytond.log", "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", "import sys; from trytond.cli import main; sys.exit(main())",
             "-c", str(conf), "-d", DB],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    info = {**info, "url": f"http://127.0.0.1:{port}/", "port": port}
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"trytond exited with {proc.returncode}; see {directory / 'trytond.log'}")
        if _answers(info):
            break
        if time.monotonic() > deadline:
            stop(proc)
            raise RuntimeError(f"trytond did not answer within {timeout} s")
        time.sleep(0.2)
    (directory / INFO).write_text(json.dumps(info, indent=2))
    return proc, info


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _answers(info: dict[str, Any]) -> bool:
    body = json.dumps({"id": 1, "method": "common.db.login",
                       "params": [info["user"], {"password": info["password"]}, "en"]}).encode()
    request = urllib.request.Request(f"{info['url']}{info['db']}/rpc/", body,
                                     {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return "result" in json.loads(response.read())
    except (OSError, urllib.error.URLError, ValueError):
        return False


# --- business set-up, run in a child process (imports trytond and proteus) ---
def _business(directory: Path) -> None:
    from proteus import Model, Wizard, config

    cfg = config.set_trytond(DB, config_file=str(directory / CONF))
    Currency = Model.get("currency.currency")
    Party = Model.get("party.party")
    User = Model.get("res.user")
    Account = Model.get("account.account")
    Journal = Model.get("account.journal")

    usd = Currency(name="U.S. Dollar", symbol="$", code="USD", rounding=Decimal("0.01"))
    usd.save()

    company_config = Wizard("company.company.config")
    company_config.execute("company")
    company_party = Party(name="PayHub Test Co")
    company_party.save()
    company_config.form.party = company_party
    company_config.form.currency = usd
    company_config.execute("add")
    cfg._context = User.get_preferences(True, {})  # later calls need the new company in context
    company, = Model.get("company.company").find()

    chart_template = Model.get("account.account.template")(
        Model.get("ir.model.data").get_id("account", "account_template_root_en", cfg.context))
    create_chart = Wizard("account.create_chart")
    create_chart.execute("account")
    create_chart.form.account_template = chart_template
    create_chart.form.company = company
    create_chart.execute("create_account")
    receivable, = Account.find([("type.receivable", "=", True), ("closed", "!=", True),
                                ("company", "=", company.id)], order=[("code", "ASC")], limit=1)
    payable, = Account.find([("type.payable", "=", True), ("closed", "!=", True),
                             ("party_required", "=", True), ("company", "=", company.id)],
                            order=[("code", "ASC")], limit=1)
    revenue, = Account.find([("type.revenue", "=", True), ("closed", "!=", True),
                             ("company", "=", company.id)], order=[("code", "ASC")], limit=1)
    expense, = Account.find([("type.expense", "=", True), ("closed", "!=", True),
                             ("company", "=", company.id)], order=[("code", "ASC")], limit=1)
    create_chart.form.account_receivable = receivable
    create_chart.form.account_payable = payable
    create_chart.form.category_account_revenue = revenue
    create_chart.form.category_account_expense = expense
    create_chart.execute("create_properties")

    cash, = Account.find([("code", "=", "1.1.1"), ("company", "=", company.id)])
    liabilities_parent, = Account.find([("code", "=", "2.2.0"), ("company", "=", company.id)])
    deferred_income, = Account.find([("code", "=", "2.2.2"), ("company", "=", company.id)])
    clearing = Account(name="Gateway Clearing", code=CLEARING_CODE, parent=cash.parent, type=cash.type,
                       reconcile=True)
    clearing.save()
    customer_credit = Account(name="Customer Credits (Unapplied Cash)", code=CREDIT_CODE,
                              parent=liabilities_parent, type=deferred_income.type, deferral=True,
                              party_required=True, reconcile=True)
    customer_credit.save()
    bank = Account(name="Bank (Gateway Payouts)", code="1.1.6", parent=cash.parent, type=cash.type)
    bank.save()
    expenses_parent, = Account.find([("code", "=", "5.2.0"), ("company", "=", company.id)])
    fees = Account(name="Payment Processing Fees", code="5.2.4", parent=expenses_parent, type=expense.type)
    fees.save()
    losses = Account(name="Chargeback Losses", code="5.2.5", parent=expenses_parent, type=expense.type)
    losses.save()
    chargebacks = Account(name="Chargebacks Receivable", code="1.2.4", parent=receivable.parent,
                          type=receivable.type, party_required=True, reconcile=True)
    chargebacks.save()
    suspense = Account(name="Settlement Suspense", code="2.2.6", parent=liabilities_parent,
                       type=deferred_income.type)
    suspense.save()

    today = dt.date.today()
    for year in (today.year, today.year + 1):  # next year too, so payment dates work near year end
        _fiscal_year(company, year)

    cash_journal, = Journal.find([("type", "=", "cash")], limit=1)
    method = Model.get("account.invoice.payment.method")(
        name="PayHub gateway", company=company, journal=cash_journal,
        debit_account=clearing, credit_account=clearing)
    method.save()

    PaymentTerm = Model.get("account.invoice.payment_term")
    split = PaymentTerm(name="30% now, remainder in 30 days")
    first = split.lines.new(type="percent", ratio=Decimal("0.3"))
    first.relativedeltas[0].days = 0
    rest = split.lines.new(type="remainder")
    rest.relativedeltas.new(days=30)
    split.save()
    net30 = PaymentTerm(name="Net 30")
    net = net30.lines.new(type="remainder")
    net.relativedeltas.new(days=30)
    net30.save()

    acme = Party(name="Acme Corp")
    acme.contact_mechanisms.new(type="email", value="ap@acme.example")
    acme.save()
    globex = Party(name="Globex")
    globex.save()

    Invoice = Model.get("account.invoice")

    def invoice(party: Any, term: Any, lines: list[tuple[str, int, str]]) -> Any:
        inv = Invoice(type="out", party=party, payment_term=term, invoice_date=today)
        for description, quantity, unit_price in lines:
            line = inv.lines.new()
            line.account = revenue
            line.description = description
            line.quantity = quantity
            line.unit_price = Decimal(unit_price)
        inv.save()
        inv.click("post")
        return inv

    big = invoice(acme, split, [("Consulting (days)", 3, "250.00"), ("Support plan", 1, "199.95"),
                                ("Licences", 2, "24.975")])  # 750.00 + 199.95 + 49.95 = 999.90
    small = invoice(acme, net30, [("Training", 2, "100.00"), ("Materials", 1, "50.00")])
    other = invoice(globex, net30, [("Audit", 1, "120.00")])
    assert big.total_amount == Decimal("999.90"), big.total_amount

    def desc(inv: Any) -> dict[str, Any]:
        return {"id": inv.id, "number": inv.number, "total": str(inv.total_amount),
                "party": inv.party.id, "payment_term": inv.payment_term.name}

    info = {
        "version": VERSION, "db": DB, "user": USER, "password": PASSWORD, "company": company.id, "currency": "USD",
        "parties": {"acme": acme.id, "globex": globex.id, "company": company_party.id},
        "invoices": {"big": desc(big), "small": desc(small), "globex": desc(other)},
        "accounts": {
            "receivable": {"code": receivable.code, "id": receivable.id},
            "clearing": {"code": clearing.code, "id": clearing.id},
            "customer_credit": {"code": customer_credit.code, "id": customer_credit.id},
            "revenue": {"code": revenue.code, "id": revenue.id},
            "bank": {"code": bank.code, "id": bank.id},
            "processor_fees": {"code": fees.code, "id": fees.id},
            "chargebacks_receivable": {"code": chargebacks.code, "id": chargebacks.id},
            "chargeback_losses": {"code": losses.code, "id": losses.id},
            "settlement_suspense": {"code": suspense.code, "id": suspense.id},
        },
        "payment_method": method.id,
        "payment_terms": {"split": split.id, "net30": net30.id},
        "journals": {"cash": cash_journal.id},
    }
    (directory / INFO).write_text(json.dumps(info, indent=2))


def _fiscal_year(company: Any, year: int) -> None:
    from proteus import Model

    SequenceType = Model.get("ir.sequence.type")
    Strict = Model.get("ir.sequence.strict")
    move_type, = SequenceType.find([("name", "=", "Account Move")], limit=1)
    invoice_type, = SequenceType.find([("name", "=", "Invoice")], limit=1)
    move_seq = Strict(name=f"Moves {year}", sequence_type=move_type, company=company)
    move_seq.save()
    invoice_seq = Strict(name=f"Invoices {year}", sequence_type=invoice_type, company=company,
                         prefix=f"INV-{year}-", padding=4)
    invoice_seq.save()
    fy = Model.get("account.fiscalyear")(name=str(year), start_date=dt.date(year, 1, 1),
                                          end_date=dt.date(year, 12, 31), company=company,
                                          move_sequence=move_seq)
    seq, = fy.invoice_sequences
    seq.out_invoice_sequence = seq.out_credit_note_sequence = invoice_seq
    seq.in_invoice_sequence = seq.in_credit_note_sequence = invoice_seq
    fy.save()
    fy.click("create_period")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("setup", "serve", "_business"):
        p = sub.add_parser(name)
        p.add_argument("--dir", type=Path, default=Path("/tmp/tryton"))
        p.add_argument("--port", type=int, default=8010)
    args = parser.parse_args(argv)
    if args.command == "_business":
        _business(args.dir.resolve())
        return 0
    if args.command == "setup":
        print(json.dumps(setup(args.dir), indent=2))
        return 0
    proc, info = start(args.dir, args.port)
    signal.signal(signal.SIGTERM, lambda *_: _interrupt())  # stop trytond too when we are terminated
    print(json.dumps(info, indent=2), flush=True)
    print(f"Tryton serving at {info['url']} (db {info['db']}); Ctrl-C to stop", file=sys.stderr, flush=True)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        stop(proc)
        return 0


def _interrupt() -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
