"""`payhub copilot …`: the integration copilot's commands. Light at import (typer only): each command imports what
it uses when it runs, so `payhub --help` stays fast."""

from __future__ import annotations

from typing import Annotated

import typer

copilot_app = typer.Typer(help="The integration copilot: samples, webhook handlers, test payloads, code review, "
                               "configuration checks, ERP field mapping.", no_args_is_help=True)


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
