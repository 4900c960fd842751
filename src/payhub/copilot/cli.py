"""`payhub copilot …`: the integration copilot's commands. Light at import (typer only): each command imports what
it uses when it runs, so `payhub --help` stays fast."""

from __future__ import annotations

import typer

copilot_app = typer.Typer(help="The integration copilot: samples, webhook handlers, test payloads, code review, "
                               "configuration checks, ERP field mapping.", no_args_is_help=True)



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
