"""`payhub copilot …`: the integration copilot's commands. Light at import (typer only): each command imports what
it uses when it runs, so `payhub --help` stays fast."""

from __future__ import annotations

import typer

copilot_app = typer.Typer(help="The integration copilot: samples, webhook handlers, test payloads, code review, "
                               "configuration checks, ERP field mapping.", no_args_is_help=True)


@copilot_app.command("test-payloads")
def test_payloads(
    operation_id: str = typer.Argument("", help="The operation id, e.g. create_payment (see /openapi.json)"),
    all_operations: bool = typer.Option(False, "--all", help="Every operation of the spec"),
    output: str = typer.Option("text", "--format", help="text | json"),
    url: str = typer.Option("", "--run", help="Run them against this server (a test server: some payloads pay)"),
    key: str = typer.Option("", "--key", envvar="PAYHUB_API_KEY", help="An admin API key of that server"),
    customer: str = typer.Option("", help="The customer whose open invoices the payloads pay (default: found)"),
    expired_token: str = typer.Option("", help="An expired customer token (default: one never issued, which "
                                      "PayHub answers the same way)"),
) -> None:
    """Edge-case payloads (boundary amounts, JPY and KWD, overpayment, unicode and length limits, missing and
    extra fields, a reused Idempotency-Key, an expired customer token), each with the status and code PayHub
    must answer. With --run, send them and report every mismatch (exit code 1 if any)."""
    import json

    import httpx

    from payhub.copilot import payloads

    if bool(operation_id) == all_operations:
        raise typer.BadParameter("give an OPERATION_ID or --all")
    if output not in ("text", "json"):
        raise typer.BadParameter("--format is text or json")
    client = None
    if url:
        if not key:
            raise typer.BadParameter("--run needs --key (an admin key)")
        client = httpx.Client(base_url=url.rstrip("/"), headers={"Authorization": f"Bearer {key}"}, timeout=30)
        spec = client.get("/openapi.json").raise_for_status().json()
    else:
        spec = _local_spec()
    try:
        found = payloads.generate_all(spec) if all_operations else payloads.generate(spec, operation_id)
    except payloads.UnknownOperation:
        typer.echo(f"No operation {operation_id!r} in the spec", err=True)
        raise typer.Exit(2) from None
    if client is None:
        if output == "json":
            typer.echo(json.dumps([p.as_json() for p in found], indent=2, ensure_ascii=False))
        else:
            for p in found:
                expect = p.expect
                outcome = f"{expect.status} {expect.code or ''}".strip() + (f" ({expect.field})" if expect.field
                                                                            else "")
                body = json.dumps(payloads._plain(p.request.body), ensure_ascii=False)
                typer.echo(f"{p.operation}  {p.category:17} {p.name}\n    {p.request.method} {p.request.path} "
                           f"{body[:160]}{'…' if len(body) > 160 else ''}\n    → {outcome}")
        return
    try:
        context = payloads.LiveContext(client, customer or None, expired_token or None)
        results = payloads.run(found, client, context)
    finally:
        client.close()
    failed = [r for r in results if not r.ok]
    if output == "json":
        typer.echo(json.dumps({"payloads": len(results), "mismatches": [r.as_json() for r in failed]}, indent=2,
                              ensure_ascii=False))
    else:
        for r in failed:
            label = "NOT RUN" if r.status is None else "MISMATCH"
            typer.echo(f"{label} {r.payload.operation} {r.payload.name}: {'; '.join(r.problems)}")
        typer.echo(f"{len(results)} payloads, {len(failed)} mismatches"
                   + ("" if expired_token else " (expired token: a never-issued stand-in)"))
    if failed:
        raise typer.Exit(1)


def _local_spec() -> dict[str, object]:
    """This installation's OpenAPI spec, built offline: the app is created over a database it never opens."""
    import tempfile
    from pathlib import Path

    from payhub.api.app import create_app
    from payhub.bootstrap import build_services
    from payhub.settings import Settings

    with tempfile.TemporaryDirectory() as directory:
        services = build_services(Settings(database_url=f"sqlite:///{Path(directory) / 'unused.db'}",
                                           secret_key="offline-spec-only"))
        try:
            return create_app(services).openapi()
        finally:
            services.close()
