"""`payhub copilot …`: the integration copilot's commands. Light at import (typer only): each command imports what
it uses when it runs, so `payhub --help` stays fast."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

copilot_app = typer.Typer(help="The integration copilot: samples, webhook handlers, test payloads, code review, "
                               "configuration checks, ERP field mapping.", no_args_is_help=True)


@copilot_app.command("check-config")
def check_config_cmd(
        file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The configuration file (YAML or "
                                                                               "JSON)")],
        skip_network: Annotated[bool, typer.Option("--skip-network", help="Do not send test events to webhook "
                                                                          "endpoints")] = False,
        output_format: Annotated[str, typer.Option("--format", help="text or json")] = "text",
        explain: Annotated[bool, typer.Option("--explain", help="Add the configured model's explanation "
                                                                "(PAYHUB_COPILOT_LLM_URL)")] = False) -> None:
    """Check FILE beyond the schema (routing, splits, gateway credentials, surcharge caps, webhook endpoints,
    negative totals) against this server's settings; exit 1 on errors."""
    import json

    from payhub.copilot import llm
    from payhub.copilot.config_check import EXPLAIN_SYSTEM, Server, check, explain_prompt
    from payhub.domain.errors import ConfigInvalid
    from payhub.settings import Settings

    if output_format not in ("text", "json"):
        raise typer.BadParameter("text or json", param_hint="--format")
    settings = Settings()
    try:
        report = check(file.read_text(), Server.from_settings(settings), network=not skip_network)
    except ConfigInvalid as error:
        typer.echo(f"{error.title} ({error.code}): {error.detail}", err=True)
        raise typer.Exit(1) from None
    model = llm.configured(settings.copilot_llm_url, settings.copilot_llm_model, settings.copilot_llm_key)
    explanation = model.complete(EXPLAIN_SYSTEM, explain_prompt(report)) if explain and model and \
        report.findings else None
    if output_format == "json":
        typer.echo(json.dumps({**report.as_dict(), "explanation": explanation}, indent=2))
    else:
        typer.echo(report.render())
        if explanation:
            typer.echo(f"\n{explanation}")
    if report.errors:
        raise typer.Exit(1)


@copilot_app.command("ci-script")
def ci_script_cmd(
        provider: Annotated[str, typer.Option("--provider", help="github or gitlab")],
        output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE")] = None,
        config_file: Annotated[str, typer.Option("--config-file", help="The configuration file's path in the "
                                                                       "repository")] = "payhub.yaml",
        branch: Annotated[str, typer.Option("--branch", help="The branch whose merges apply")] = "main") -> None:
    """A CI pipeline: check and plan the configuration on pull/merge requests (posting the plan), apply it on
    merge; the API URL and admin key come from CI secrets."""
    from payhub.copilot.config_check import PROVIDERS, ci_script

    if provider not in PROVIDERS:
        raise typer.BadParameter(" or ".join(PROVIDERS), param_hint="--provider")
    text = ci_script(provider, config_file, branch)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text)
        typer.echo(f"CI pipeline written to {output}", err=True)


@copilot_app.command("review")
def review(
    paths: Annotated[list[str], typer.Argument(help="Files or directories of Python / JavaScript / TypeScript code.")],
    output_format: str = typer.Option("text", "--format", help="text, json or sarif (SARIF 2.1.0)."),
    output: str | None = typer.Option(None, "-o", "--output", help="Write the report to this file."),
    explain: bool = typer.Option(False, "--explain",
                                 help="Explain each finding (the configured model's words, else the rule's)."),
) -> None:
    """Review integration code for payment mistakes (PH001…PH011); exits 1 when there are findings."""
    from pathlib import Path

    from payhub.copilot import llm
    from payhub.copilot.review import explain as explained
    from payhub.copilot.review import format_json, format_text, review_paths
    from payhub.copilot.review.sarif import format_sarif
    from payhub.settings import Settings

    formats = {"text": format_text, "json": format_json, "sarif": format_sarif}
    if output_format not in formats:
        raise typer.BadParameter(f"--format must be one of {', '.join(formats)}", param_hint="--format")
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise typer.BadParameter(f"no such file or directory: {', '.join(missing)}", param_hint="PATH")
    report = review_paths([Path(p) for p in paths])
    if explain:
        settings = Settings()
        model = llm.configured(settings.copilot_llm_url, settings.copilot_llm_model, settings.copilot_llm_key)
        sources = {f.path: Path(f.path).read_text(encoding="utf-8", errors="replace")
                   for f in report.findings if Path(f.path).is_file()}
        report.findings = explained(report.findings, sources, model)
    text = formats[output_format](report)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        typer.echo(text, nl=False)
    raise typer.Exit(1 if report.findings else 0)

@copilot_app.command("erp-mapping")
def erp_mapping(
    erp: str = typer.Option("", help="embedded | tryton (default: PAYHUB_ERP)"),
    entity: str = typer.Option("", help="Map this entity only (default: one entity per ERP company)"),
    out: str = typer.Option("erp-mapping", "-o", "--out", help="Directory for mapping.json, proposal.json, "
                            "dataset.json, create_dataset.py, validate_mapping.py and report.md"),
) -> None:
    """Introspect the ERP and propose PayHub's entity, account and customer mapping, a test dataset and a
    validation script. Tryton is reached with PAYHUB_TRYTON_URL, _DATABASE, _USER and _PASSWORD."""
    from pathlib import Path

    from payhub.copilot import erp_mapping as mapping
    from payhub.copilot.llm import configured
    from payhub.settings import Settings

    settings = Settings()
    kind = erp or settings.erp
    if kind not in ("embedded", "tryton"):
        raise typer.BadParameter("embedded or tryton", param_hint="--erp")
    proposal = mapping.from_settings(settings, kind, entity or None)
    proposal = mapping.explain(proposal, configured(settings.copilot_llm_url, settings.copilot_llm_model,
                                                    settings.copilot_llm_key))
    for path in mapping.write(proposal, Path(out)):
        typer.echo(f"wrote {path}")
    for e in proposal.entities:
        mapped = len(e.roles) - len(e.unmapped)
        typer.echo(f"{e.entity} -> company {e.company['id']}: {mapped}/{len(e.roles)} roles mapped"
                   + (f"; unmapped: {', '.join(e.unmapped)}" if e.unmapped else ""))
    for issue in proposal.issues:
        typer.echo(f"issue: {issue}", err=True)


@copilot_app.command("handler")
def handler(framework: str = typer.Option(..., help="fastapi | flask | django | express | aspnet"),
            scenario: str = typer.Option("plain", help="plain | chat | crm | erp"),
            output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the files into this "
                                                                               "directory (else print them)")] = None,
            ) -> None:
    """A webhook handler: Standard Webhooks verification on the raw body, dedupe, out-of-order tolerance, fast 2xx."""
    from payhub.copilot.handlers import UnknownChoice, generate

    try:
        files = generate(framework, scenario)
    except UnknownChoice as error:
        raise typer.BadParameter(str(error)) from None
    if output is None:
        for file in files:
            typer.echo(f"# --- {file.filename} ---\n{file.code}")
        return
    output.mkdir(parents=True, exist_ok=True)
    for file in files:
        (output / file.filename).write_text(file.code)
        typer.echo(f"wrote {output / file.filename}")


@copilot_app.command("samples")
def samples_command(
    flow: str | None = typer.Argument(None, help="A flow: pay-invoices, manual-capture, partial-refund, "
                                                "list-history, widgets, verify-webhook (none: list them)"),
    language: str = typer.Option("python", "--language", "-l", help="curl, python, node, typescript, csharp, "
                                                                    "java or go"),
    operation: str | None = typer.Option(None, "--operation", help="An operation id instead of a flow"),
    output: str | None = typer.Option(None, "--output", "-o", help="Write the sample into this directory"),
    describe: str | None = typer.Option(None, "--describe", help="Also ask the configured model to adapt it"),
) -> None:
    """Code samples for whole flows or any operation, generated from PayHub's OpenAPI spec."""
    from pathlib import Path

    from payhub.api.app import create_app
    from payhub.bootstrap import build_services
    from payhub.copilot import llm, samples
    from payhub.settings import Settings

    if flow is None and operation is None:
        listing = samples.catalogue()
        for item in listing["flows"]:
            typer.echo(f"{item['name']:16} {item['title']}")
        typer.echo("languages: " + ", ".join(lang["name"] for lang in listing["languages"]))
        return
    settings = Settings()
    spec = create_app(build_services(settings)).openapi()
    try:
        sample = (samples.operation_sample(spec, operation, language) if operation
                  else samples.flow_sample(spec, flow or "", language))
    except samples.SampleError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from error
    if output:
        target = Path(output) / sample.filename
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(sample.code)
        typer.echo(str(target))
    else:
        typer.echo(sample.code, nl=False)
    if describe:
        model = llm.configured(settings.copilot_llm_url, settings.copilot_llm_model, settings.copilot_llm_key)
        adapted = samples.adapt(model, sample, describe)
        typer.echo("\n--- adapted to your description ---\n" + adapted if adapted
                   else "(no model configured or it did not answer: the sample above is unchanged)", err=True)


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
