"""`payhub copilot …`: the integration copilot's commands. Light at import (typer only): each command imports what
it uses when it runs, so `payhub --help` stays fast."""

from __future__ import annotations

import typer

copilot_app = typer.Typer(help="The integration copilot: samples, webhook handlers, test payloads, code review, "
                               "configuration checks, ERP field mapping.", no_args_is_help=True)


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
