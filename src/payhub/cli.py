"""`payhub`: serve, migrate, demo, keys, vault, settle, reconcile. Never imports API internals beyond the app factory.

Start-up: this module imports only typer, rich and the `config` commands' module; each command imports what it
uses when it runs, so `payhub --help` loads no settings, database or web code (tests/cli/test_startup.py)."""

from __future__ import annotations

import gc
import signal
import socket
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from payhub.config.cli import config_app
from payhub.copilot.cli import copilot_app
from payhub.web.demo_host import DEMO_HOST_PORT, DEMO_KEY_FILE

if TYPE_CHECKING:
    import asyncio

app = typer.Typer(help="PayHub: the headless payments hub.", no_args_is_help=True, pretty_exceptions_enable=False)
keys = typer.Typer(help="API keys.", no_args_is_help=True)
app.add_typer(keys, name="keys")
app.add_typer(config_app, name="config")
app.add_typer(copilot_app, name="copilot")
vault = typer.Typer(help="The card vault's keys.", no_args_is_help=True)
app.add_typer(vault, name="vault")
autopay = typer.Typer(help="Autopay: pay the invoices enrollments select when they fall due.", no_args_is_help=True)
app.add_typer(autopay, name="autopay")
settle = typer.Typer(help="Settlement: sync with the gateways, import their reports.")
app.add_typer(settle, name="settle")
reconcile = typer.Typer(help="Reconciliation: settlement ↔ payments ↔ GL postings.", no_args_is_help=True)
app.add_typer(reconcile, name="reconcile")
console = Console(soft_wrap=True)


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    from payhub.settings import Settings
    from payhub.store.migrate import upgrade

    settings = Settings()
    upgrade(settings.database_url)
    console.print(f"[green]Database migrated[/green] ({settings.database_url})")


@app.command()
def demo(key_file: str = typer.Option(DEMO_KEY_FILE, help="Where to write the demo host's API key (a "
                                       "payments key) for `payhub demo-host`")) -> None:
    """Seed a demo entity with customers and open invoices, allow the demo host page's origin, and print an admin
    API key."""
    from payhub.admin import work
    from payhub.auth.keys import create_key
    from payhub.bootstrap import build_services
    from payhub.demo import DEMO_ENTITY, DEMO_STAFF_EMAIL, allow_origins, open_portal_and_terminal, seed

    svc = build_services()
    with svc.transaction() as s:
        created = seed(s, svc.clock.now())
        s.flush()
        _, secret = create_key(s, DEMO_ENTITY, "admin", svc.clock.now(), name="demo")
        _, host_secret = create_key(s, DEMO_ENTITY, "payments", svc.clock.now(), name="demo host")
    with work.transaction(svc) as u:
        origins = allow_origins(u, actor=work.Actor(None, "cli"))
        invitation, password = open_portal_and_terminal(u, actor=work.Actor(None, "cli"))
    key_path = Path(key_file)
    key_path.touch(mode=0o600)
    key_path.write_text(host_secret + "\n")
    console.print("[green]Demo data seeded[/green]" if created else "Demo data already present")
    console.print(f"Demo admin API key (shown once): [bold]{secret}[/bold]")
    console.print("Try: curl -H 'Authorization: Bearer <key>' http://127.0.0.1:8000/v1/customers/cus_acme/invoices")
    console.print(f"Widgets may be embedded from: {', '.join(origins)} (the demo host's key is in {key_file})")
    console.print(f"Customer portal: http://127.0.0.1:8000/portal/{DEMO_ENTITY} (sign in as ap@acme.example: the "
                  "link is mailed to the sink, build/mail/)")
    if invitation:
        console.print(f"  or set Acme's password at /portal/{DEMO_ENTITY}/invitation with code "
                      f"[bold]{invitation}[/bold]")
    if password:
        console.print(f"Virtual terminal: http://127.0.0.1:8000/terminal ({DEMO_STAFF_EMAIL}, password "
                      f"[bold]{password}[/bold], shown once)")


@app.command("demo-host")
def demo_host(port: int = typer.Option(DEMO_HOST_PORT, help="Port of the demo host page"),
              host: str = typer.Option("127.0.0.1", help="Interface to listen on"),
              api: str = typer.Option("http://127.0.0.1:8000", help="PayHub's URL, as the browser reaches it"),
              key_file: str = typer.Option(DEMO_KEY_FILE, help="The API key file `payhub demo` wrote "
                                            "(PAYHUB_DEMO_KEY, if set, is used instead)"),
              customer: str = typer.Option("cus_acme", help="The demo customer the page shows")) -> None:
    """Serve a fake "Acme customer portal" on a second origin that embeds the four PayHub widgets for a demo
    customer, with a customer token it mints through PayHub's public API."""
    import os

    from payhub.web.demo_host import serve_demo_host

    key = os.environ.get("PAYHUB_DEMO_KEY", "").strip()
    if not key and Path(key_file).is_file():
        key = Path(key_file).read_text().strip()
    if not key:
        console.print(f"[red]No API key: run `payhub demo` (it writes {key_file}) or set PAYHUB_DEMO_KEY[/red]")
        raise typer.Exit(1)
    try:
        server = serve_demo_host(host, port, api.rstrip("/"), key, customer)
    except OSError as exc:
        console.print(f"[red]Cannot listen on {host}:{port}: {exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"Demo host page (Acme customer portal): [bold]http://{host}:{port}/[/bold] (PayHub: {api})")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@keys.command("create")
def keys_create(scope: str = typer.Option(..., help="read | payments | admin"),
                entity: str = typer.Option("ent_demo", help="Entity the key acts for"),
                platform: bool = typer.Option(False, help="A key for every entity (requests name one in "
                                                          "the PayHub-Entity header)"),
                name: str = typer.Option("", help="A label")) -> None:
    """Create an API key; its secret is printed once and stored only as a hash."""
    from payhub.admin import work
    from payhub.admin.keys import create_api_key
    from payhub.auth.keys import SCOPES, create_key
    from payhub.bootstrap import build_services
    from payhub.domain.errors import EntityNotFound
    from payhub.store import repo

    if scope not in SCOPES:
        raise typer.BadParameter(f"scope must be one of {', '.join(SCOPES)}")
    svc = build_services()
    with work.transaction(svc) as u:  # the admin function the API calls: audited, as a change from the CLI
        try:
            repo.get_entity(u.s, entity)
        except EntityNotFound:
            if not platform:
                raise typer.BadParameter(f"entity {entity} does not exist") from None
            # the first platform key of a new install: no entity yet to keep its audit trail under
            key, secret = create_key(u.s, None, scope, u.now, name=name)
        else:
            key, secret = create_api_key(u, entity, True, {"scope": scope, "name": name, "platform": platform},
                                         work.Actor(key_id=None, request_id="cli"))
    console.print(f"{key.id} ({scope}): [bold]{secret}[/bold]")


@vault.command("new-key")
def vault_new_key(key_id: str = typer.Argument(..., help="The new key's id, e.g. k2")) -> None:
    """Print a new random AES-256 key as PAYHUB_VAULT_KEYS takes it. Add it, make it the active key
    (PAYHUB_VAULT_ACTIVE_KEY), restart, then run `payhub vault rotate-key`."""
    import json

    from payhub.vault.crypto import KEY_ID, new_key

    if not KEY_ID.fullmatch(key_id):
        raise typer.BadParameter("letters, digits, '_', '.', '-' only (at most 40)")
    console.print(json.dumps({key_id: new_key()}))


@vault.command("status")
def vault_status() -> None:
    """How many sealed values each key holds, and which key is active."""
    from payhub.bootstrap import build_services
    from payhub.vault.upkeep import sealed_by_key

    svc = build_services()
    counts = sealed_by_key(svc.sessions)
    console.print(f"Active key: [bold]{svc.vault.active}[/bold]")
    for key_id in sorted(set(counts) | {svc.vault.active}):
        known = "" if key_id in svc.vault.keys else "  [red](not configured: these cannot be opened)[/red]"
        console.print(f"  {key_id}: {counts.get(key_id, 0)} sealed{known}")


@vault.command("rotate-key")
def vault_rotate_key(batch_size: int = typer.Option(500, min=1, max=10_000, help="Values re-sealed per "
                                                                                    "transaction")) -> None:
    """Re-seal every vault value under the active key (PAYHUB_VAULT_ACTIVE_KEY), in batches, with a progress
    bar. Safe to interrupt and run again; afterwards the old keys can leave PAYHUB_VAULT_KEYS."""
    from rich.progress import Progress

    from payhub.bootstrap import build_services
    from payhub.domain.errors import VaultError
    from payhub.vault.upkeep import rotate, to_rotate

    svc = build_services()
    total = to_rotate(svc.sessions, svc.vault)
    with Progress(console=console, transient=False) as progress:
        task = progress.add_task(f"Re-sealing under {svc.vault.active}", total=total)
        try:
            done = rotate(svc.sessions, svc.vault, batch_size, lambda n: progress.advance(task, n))
        except VaultError as error:
            console.print(f"[red]Stopped:[/red] {error.detail}")
            raise typer.Exit(1) from None
    console.print(f"[green]Re-sealed {done} value(s) under {svc.vault.active}[/green]")


@settle.callback(invoke_without_command=True)
def settle_default(ctx: typer.Context) -> None:
    """Settlement: with no command, `sync`."""
    if ctx.invoked_subcommand is None:
        settle_sync()


@settle.command("sync")
def settle_sync() -> None:
    """Ask the gateways which captured payments have settled and record it."""
    from payhub.bootstrap import build_services
    from payhub.pipeline.settle import sync_settlements

    settled = sync_settlements(build_services())
    console.print(f"{len(settled)} payment(s) settled")


@settle.command("import")
def settle_import(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                                       help="The gateway's settlement report")],
                  gateway: str = typer.Option(..., help="The configured gateway whose report it is"),
                  entity: str = typer.Option(..., help="The entity whose settlement it is")) -> None:
    """Import a settlement report (all of it or nothing), match its lines and post each batch to the ERP."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    from payhub.bootstrap import build_services
    from payhub.domain.errors import DomainError
    from payhub.settlement.imports import import_report

    svc = build_services()
    columns = ("[progress.description]{task.description}", BarColumn(), DownloadColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=console, transient=True) as progress, file.open("rb") as source:
            task = progress.add_task(f"Importing {file.name}", total=file.stat().st_size)
            imported = import_report(svc, entity, gateway, source, filename=file.name,
                                     progress=lambda n: progress.advance(task, n))
    except DomainError as error:
        console.print(f"[red]Not imported:[/red] {error.detail}")
        raise typer.Exit(1) from None
    finally:
        svc.close()
    for batch, postings in ((i.batch, i.postings) for i in imported):
        totals = ", ".join(f"{t['currency']} gross {t['gross']} fees {t['fees']} net {t['net']}" for t in batch.totals)
        posted = ", ".join(f"posting {p.id} {p.status}" for p in postings) or "nothing to post"
        console.print(f"[green]{batch.batch_ref}[/green] ({batch.id}): {batch.line_count} lines, "
                      f"{batch.matched} matched; {totals}; {posted}")


@settle.command("simulate")
def settle_simulate(entity: str = typer.Option(..., help="The entity whose simulator payments settle"),
                    day: str = typer.Option(..., "--date", help="The payout day, YYYY-MM-DD"),
                    gateway: str = typer.Option("simulator", help="The simulator gateway's name"),
                    seed: int = typer.Option(7, help="Which payments defer, which come back as chargebacks"),
                    output: Annotated[Path | None, typer.Option("-o", "--output",
                                                                help="Default: standard output")] = None) -> None:
    """The simulator's settlement report for a day (fees deducted, some payments deferred to the next batch,
    occasional chargebacks and fees), to import with `payhub settle import`."""
    from datetime import date

    from payhub.bootstrap import build_services
    from payhub.settlement.simulator import report

    svc = build_services()
    try:
        lines = list(report(svc, entity, gateway, date.fromisoformat(day), seed))
    finally:
        svc.close()
    text = "".join(lines)
    if output is None:
        print(text, end="")
    else:
        output.write_text(text)


@reconcile.command("run")
def reconcile_run(entity: str = typer.Option(..., help="The entity to reconcile"),
                  gateway: str = typer.Option("", help="One gateway's settlement (default: all)")) -> None:
    """Reconcile now: settlement ↔ payments, refunds and disputes ↔ GL postings; prints the summary."""
    from payhub.bootstrap import build_services
    from payhub.reconciliation.runs import run

    svc = build_services()
    try:
        done = run(svc, entity, gateway or None, trigger="cli")
    finally:
        svc.close()
    console.print(f"Run {done.id}: {done.status}")
    for name, value in sorted(done.summary.items()):
        console.print(f"  {name}: {value}")


@reconcile.command("report")
def reconcile_report(entity: str = typer.Option(...), gateway: str = typer.Option(...),
                     day: str = typer.Option(..., "--date", help="YYYY-MM-DD (UTC)"),
                     format: str = typer.Option("csv", help="csv | json")) -> None:
    """The day's reconciliation report, on standard output."""
    import json
    from datetime import date

    from payhub.bootstrap import build_services
    from payhub.reconciliation.report import as_csv, daily

    svc = build_services()
    try:
        found = daily(svc, entity, gateway, date.fromisoformat(day))
    finally:
        svc.close()
    print(as_csv(found) if format == "csv" else json.dumps(found, indent=2), end="")


@autopay.command("run-once")
def autopay_run_once(now: str = typer.Option("", help="Act as if it were this instant (ISO 8601 with an offset); "
                                                      "default: the clock")) -> None:
    """One scheduler pass, as `payhub worker` runs it every housekeeping interval: pay what is due today."""
    from payhub.autopay.scheduler import fixed_now, run_once
    from payhub.bootstrap import build_services

    svc = build_services()
    if now:
        at = fixed_now(now)

        class Fixed:
            def now(self) -> Any:
                return at

        svc.clock = Fixed()
    try:
        done = run_once(svc)
    finally:
        svc.close()
    console.print(", ".join(f"{k}: {v}" for k, v in sorted(done.items())) or "nothing due")


@app.command()
def worker(metrics_port: int = typer.Option(0, help="Expose Prometheus metrics on 127.0.0.1:PORT"),
           housekeeping_s: float = typer.Option(15.0, help="How often to recover unfinished payments, operations "
                                                           "and postings, sync settlements, purge old "
                                                           "idempotency keys, run autopay and reconcile "
                                                           "what is due")) -> None:
    """Deliver webhooks from the outbox; recover what a crash or a lost gateway answer left unfinished
    (payments, captures, voids, refunds, postings, dispute evidence submissions); sync settlements; pay what
    autopay finds due; reconcile each entity with settlement on record every `reconciliation.every_hours`."""
    import asyncio

    from payhub.autopay.scheduler import default_holder
    from payhub.autopay.scheduler import run_once as autopay_run
    from payhub.bootstrap import build_services, build_worker
    from payhub.disputes.evidence import finish_abandoned as finish_submissions
    from payhub.logs import configure
    from payhub.pipeline.idempotency import purge_expired
    from payhub.pipeline.recovery import run_once as recover
    from payhub.pipeline.settle import sync_settlements
    from payhub.reconciliation.runs import run_due as reconcile_due
    from payhub.settings import Settings
    from payhub.webhooks.relay import build_relay

    settings = Settings()
    configure(settings.log_level)
    svc = build_services(settings)
    deliverer = build_worker(svc, settings)
    relay = build_relay(svc, settings)  # None unless PAYHUB_RELAY_NATS_URL is set
    if metrics_port:
        from prometheus_client import start_http_server

        start_http_server(metrics_port, addr="127.0.0.1")

    holder = default_holder()  # this worker's name on the autopay leases

    async def housekeeping(stop: asyncio.Event) -> None:
        while not stop.is_set():
            await asyncio.to_thread(recover, svc)
            await asyncio.to_thread(sync_settlements, svc)
            await asyncio.to_thread(purge_expired, svc)
            await asyncio.to_thread(autopay_run, svc, holder)
            await asyncio.to_thread(reconcile_due, svc, holder)
            await asyncio.to_thread(finish_submissions, svc)
            try:
                await asyncio.wait_for(stop.wait(), housekeeping_s)
            except TimeoutError:
                pass

    async def main(stop: asyncio.Event) -> None:
        try:
            await asyncio.gather(deliverer.run(stop), housekeeping(stop), *([relay.run(stop)] if relay else []))
        finally:
            await deliverer.aclose()
            svc.close()

    console.print("Webhook worker running (Ctrl+C to stop)")
    _until_signalled(main)


def _until_signalled(main: Callable[[asyncio.Event], Coroutine[Any, Any, None]]) -> None:
    """Run a long-lived loop until SIGTERM or SIGINT sets its stop event."""
    import asyncio

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await main(stop)

    gc.collect()  # what start-up loaded lives as long as the process: keep it out of full collections (asgi.py)
    gc.freeze()
    try:
        import uvloop  # as `serve` uses it (pinned): less CPU per delivery than asyncio's loop
    except ImportError:  # not on Windows
        asyncio.run(run())
    else:
        uvloop.run(run())


@app.command()
def relay() -> None:
    """Publish every outbox event to the event bus (PAYHUB_RELAY_NATS_URL), alone; `payhub worker` also
    runs it when that is set. Several relays may run: one leads, the others take over if it dies."""

    from payhub.bootstrap import build_services
    from payhub.logs import configure
    from payhub.settings import Settings
    from payhub.webhooks.relay import build_relay, redact_url

    settings = Settings()
    configure(settings.log_level)
    if not settings.relay_nats_url:
        console.print("[red]Set PAYHUB_RELAY_NATS_URL (e.g. nats://127.0.0.1:4222) to run the relay[/red]")
        raise typer.Exit(2)
    svc = build_services(settings)
    relayer = build_relay(svc, settings)
    assert relayer is not None

    async def main(stop: asyncio.Event) -> None:
        try:
            await relayer.run(stop)
        finally:
            svc.close()

    console.print(f"Event bus relay to {redact_url(settings.relay_nats_url)} running (Ctrl+C to stop)")
    _until_signalled(main)


@app.command("mail-sink")
def mail_sink(port: int = typer.Option(1025, help="Port on 127.0.0.1"),
              directory: str = typer.Option("build/mail", "--dir",
                                            help="Where each message is kept (<n>.eml)")) -> None:
    """A local SMTP server that keeps every message as a file (PAYHUB_SMTP_URL=smtp://127.0.0.1:PORT): where the
    customer portal's sign-in links go in `make run`."""
    import threading

    from payhub.mail import MailSink

    sink = MailSink(Path(directory), port).start()
    console.print(f"Mail sink on {sink.url}, keeping messages in {directory}/")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        sink.stop()


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Serve the API (docs at /docs, spec at /openapi.json)."""
    import uvicorn

    from payhub.logs import configure
    from payhub.settings import Settings

    configure(Settings().log_level)
    config = uvicorn.Config("payhub.asgi:app", host=host, port=port, workers=workers, access_log=False,
                            log_config=None)
    try:
        sock = listen_socket(host, port)
    except OSError as exc:
        console.print(f"[red]Cannot listen on {host}:{port}: {exc}[/red]")
        raise typer.Exit(1) from exc
    server = uvicorn.Server(config)
    try:
        if workers > 1:
            from uvicorn.supervisors import Multiprocess

            Multiprocess(config, sockets=[sock]).run()
        else:
            config.load_app()
            server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    if workers == 1 and not server.started:
        raise typer.Exit(3)  # what uvicorn.run exits with when the app fails to start


def listen_socket(host: str, port: int) -> socket.socket:
    """The listening socket for `serve`, in every mode: with TCP_NODELAY, so no keep-alive response waits ~40 ms
    for a delayed ACK. uvicorn's own socket for --workers has proto 0, and asyncio sets TCP_NODELAY on an accepted
    connection only when proto is IPPROTO_TCP; Linux also copies the listener's TCP_NODELAY to accepted sockets."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


@app.command()
def trigger(event: str = typer.Argument(..., help="An event type of the catalogue, e.g. payment.completed"),
            data: str = typer.Option("", help="JSON deep-merged into the event's data, e.g. "
                                              "'{\"amount\": {\"amount\": 5000}}'"),
            url: str = typer.Option("", help="The receiver to send to"),
            secret: str = typer.Option("", envvar="PAYHUB_TRIGGER_SECRET",
                                       help="The receiver's signing secret (whsec_…); or PAYHUB_TRIGGER_SECRET"),
            entity: str = typer.Option("", help="Instead of --url: send to this entity's webhook endpoints that "
                                                "subscribe to the event, each with its own secret"),
            endpoint: str = typer.Option("", help="With --entity: only this endpoint (we_…)"),
            dry_run: bool = typer.Option(False, "--dry-run", help="Print the event body; send nothing")) -> None:
    """Send a realistic, signed event of any catalogue type, with overrides (nothing is stored in PayHub)."""
    import asyncio
    import json

    from rich.markup import escape

    from payhub.copilot import trigger as triggers
    from payhub.domain.errors import DomainError

    try:
        overrides = json.loads(data) if data else {}
    except ValueError as error:
        raise typer.BadParameter(f"--data is not JSON: {error}") from None
    if not isinstance(overrides, dict):
        raise typer.BadParameter("--data must be a JSON object (merged into the event's data)")
    try:
        if dry_run:
            console.print_json(triggers.build(event, overrides).body.decode())
            return
        if url and entity:
            raise typer.BadParameter("give --url (with --secret) or --entity, not both")
        if url:
            if not secret:
                raise typer.BadParameter("--url needs --secret (or PAYHUB_TRIGGER_SECRET)")
            sent = [triggers.trigger_url(event, url, secret, overrides)]
        elif entity:
            from payhub.bootstrap import build_services

            svc = build_services()
            try:
                sent = asyncio.run(triggers.trigger_endpoints(svc, entity, event, overrides, endpoint or None))
            finally:
                svc.close()
        else:
            raise typer.BadParameter("give --url (with --secret), or --entity to use its webhook endpoints")
    except (triggers.UnknownEventType, ValueError, DomainError) as error:
        console.print(f"[red]{escape(getattr(error, 'detail', None) or str(error))}[/red]")
        raise typer.Exit(2) from None
    if not sent:
        console.print(f"[yellow]No enabled endpoint of {entity} subscribes to {event}[/yellow]")
        raise typer.Exit(1)
    failed = False
    for one in sent:
        answer = one.answer
        ok = answer.status is not None and 200 <= answer.status < 300
        failed |= not ok
        outcome = f"{answer.status} {answer.excerpt[:200]}" if answer.status is not None else str(answer.error)
        colour = "green" if ok else "red"
        console.print(f"{one.event.type} {one.event.id} → {escape(one.url)}: [{colour}]{escape(outcome)}[/{colour}]",
                      highlight=False)
    if failed:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
