"""`payhub copilot …`: the integration copilot's commands. Light at import (typer only): each command imports what
it uses when it runs, so `payhub --help` stays fast."""

from __future__ import annotations

import typer

copilot_app = typer.Typer(help="The integration copilot: samples, webhook handlers, test payloads, code review, "
                               "configuration checks, ERP field mapping.", no_args_is_help=True)
