"""`payhub copilot …`: the integration copilot's commands. Light at import (typer only): each command imports what
it uses when it runs, so `payhub --help` stays fast."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

copilot_app = typer.Typer(help="The integration copilot: samples, webhook handlers, test payloads, code review, "
                               "configuration checks, ERP field mapping.", no_args_is_help=True)


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
