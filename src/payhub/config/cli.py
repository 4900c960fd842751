"""`payhub config …`: export, plan, apply and roll back the configuration file (acts on every entity).

Each command imports what it needs when it runs: `payhub --help` and `payhub config --help` import this module."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from payhub.domain.errors import DomainError

config_app = typer.Typer(help="Configuration as code: export, plan, apply, rollback.", no_args_is_help=True)
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)

_COLOURS = {"+": "green", "~": "yellow", "-": "red"}


def _print_plan(text: str) -> None:
    for line in text.splitlines():
        sign = line.strip()[:1]
        colour = _COLOURS.get(sign) if line.startswith("  ") and not line.startswith("      ") else None
        console.print(f"[{colour}]{escape(line)}[/{colour}]" if colour else escape(line))


def _fail(error: DomainError) -> typer.Exit:
    from payhub.domain.errors import ConfigInvalid

    errors.print(f"[red]{escape(error.title)}[/red] ({error.code}): {escape(error.detail)}")
    items = error.extra.get("errors")
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            where = f"line {item.get('line')}: " if item.get("line") else ""
            errors.print(f"  {where}[bold]{escape(str(item.get('field')))}[/bold]: {escape(str(item.get('message')))}")
    return typer.Exit(1 if isinstance(error, ConfigInvalid) else 2)


def _secrets(result: dict[str, Any]) -> None:
    for item in result["webhook_secrets"]:
        console.print(f"  webhook {item['entity']}/{item['name']} ({item['url']}) secret, shown once: "
                      f"[bold]{escape(item['secret'])}[/bold]")


@config_app.command("export")
def export_cmd(entity: Annotated[list[str] | None, typer.Option("--entity", "-e",
                                                                help="Only these entities (repeatable)")] = None,
               output: Annotated[Path | None, typer.Option("--output", "-o",
                                                           help="Write to FILE instead of stdout")] = None) -> None:
    """Export the installed configuration as YAML."""
    from payhub.bootstrap import build_services
    from payhub.config import export

    svc = build_services()
    try:
        text = export(svc, entity or None)
    except DomainError as error:
        raise _fail(error) from None
    finally:
        svc.close()
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text)
        errors.print(f"Configuration written to {output}")


@config_app.command("schema")
def schema_cmd(output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE")] = None) -> None:
    """Print the JSON Schema of the configuration file (for editors and CI linters)."""
    from payhub.config.schema import json_schema_text

    if output is None:
        typer.echo(json_schema_text(), nl=False)
    else:
        output.write_text(json_schema_text())


@config_app.command("plan")
def plan_cmd(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The configuration file")],
             as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON")) -> None:
    """Validate FILE and show what applying it would create, change and delete."""
    from payhub.bootstrap import build_services
    from payhub.config import plan

    svc = build_services()
    try:
        result = plan(svc, file.read_text())
    except DomainError as error:
        raise _fail(error) from None
    finally:
        svc.close()
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
    else:
        _print_plan(result.render())


@config_app.command("apply")
def apply_cmd(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The configuration file")],
              base_version: Annotated[int | None, typer.Option(
                  "--base-version", help="The config version the reviewed plan was made against "
                                         "(default: the current one)")] = None) -> None:
    """Apply FILE to every entity in it, in one transaction; exit 2 if the configuration moved past
    --base-version."""
    from payhub.bootstrap import build_services
    from payhub.config import apply, plan

    svc = build_services()
    text = file.read_text()
    try:
        base = plan(svc, text).base_version if base_version is None else base_version
        result = apply(svc, text, base, None)
    except DomainError as error:
        raise _fail(error) from None
    finally:
        svc.close()
    if not result["applied"]:
        console.print(f"Nothing to apply: the configuration is already version {result['version']}")
        return
    console.print(f"[green]Applied[/green] config version {result['version']} "
                  f"({len(result['changes'])} change(s))")
    _secrets(result)


@config_app.command("rollback")
def rollback_cmd(version: Annotated[int, typer.Argument(help="The config version to restore")]) -> None:
    """Apply the file of a past config version again, as a new version."""
    from payhub.bootstrap import build_services
    from payhub.config import rollback

    svc = build_services()
    try:
        result = rollback(svc, version, None)
    except DomainError as error:
        raise _fail(error) from None
    finally:
        svc.close()
    console.print(f"[green]Rolled back[/green] to the file of version {version}: now config version "
                  f"{result['version']} ({len(result['changes'])} change(s))")
    _secrets(result)
