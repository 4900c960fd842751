"""Webhook handler templates: a receiver for PayHub's Standard Webhooks deliveries, per framework, with a scenario's
work in it. Every handler verifies the signature on the raw body in constant time, refuses stale timestamps, dedupes
on `webhook-id`, skips events older than what it already knows of an object, and answers 2xx before doing the work.

Deterministic: Jinja2 templates (templates/handlers/) filled with the framework and scenario; no model involved."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

FRAMEWORKS = ("fastapi", "flask", "django", "express", "aspnet")
SCENARIOS = ("plain", "chat", "crm", "erp")
EXPRESS_VERSION = "5.3.0"  # the version tests/copilot/express locks and runs the generated handler with

TITLES = {
    "plain": "every event logged",
    "chat": "a chat notification when a payment above a threshold completes",
    "crm": "a CRM activity on dispute.opened",
    "erp": "an ERP workflow on reconciliation.exception",
}
# The environment a scenario reads besides PAYHUB_WEBHOOK_SECRET, shown in the run line.
SCENARIO_ENV = {
    "plain": "",
    "chat": " CHAT_WEBHOOK_URL=https://hooks.slack.com/… CHAT_THRESHOLD_MINOR=100000",
    "crm": " CRM_ACTIVITY_URL=https://crm.example.com/api/activities CRM_API_KEY=…",
    "erp": " ERP_WORKFLOW_URL=https://erp.example.com/api/workflows ERP_API_KEY=…",
}
# (output filename, template) per framework
FILES: dict[str, tuple[tuple[str, str], ...]] = {
    "fastapi": (("payhub_webhooks.py", "fastapi.py.j2"), ("requirements.txt", "requirements.txt.j2")),
    "flask": (("payhub_webhooks.py", "flask.py.j2"), ("requirements.txt", "requirements.txt.j2")),
    "django": (("payhub_webhooks.py", "django.py.j2"), ("requirements.txt", "requirements.txt.j2")),
    "express": (("server.js", "express.js.j2"), ("package.json", "express.package.json.j2")),
    "aspnet": (("Program.cs", "aspnet.cs.j2"), ("PayHubWebhooks.csproj", "aspnet.csproj.j2")),
}
REQUIREMENTS = {"fastapi": ["fastapi==0.165.0", "uvicorn==0.54.0"], "flask": ["flask==3.1.3"],
                "django": ["django==6.1.3"]}


class UnknownChoice(ValueError):
    """A framework or scenario that has no template; the message lists the valid ones."""


@dataclass(frozen=True)
class HandlerFile:
    filename: str
    code: str


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("payhub.copilot", "templates/handlers"), undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)


def generate(framework: str, scenario: str = "plain") -> list[HandlerFile]:
    """The files of a handler for `framework` doing `scenario`'s work."""
    if framework not in FRAMEWORKS:
        raise UnknownChoice(f"unknown framework {framework!r}: one of {', '.join(FRAMEWORKS)}")
    if scenario not in SCENARIOS:
        raise UnknownChoice(f"unknown scenario {scenario!r}: one of {', '.join(SCENARIOS)}")
    context = {"framework": framework, "scenario": scenario, "title": TITLES[scenario],
               "env_hint": SCENARIO_ENV[scenario], "express_version": EXPRESS_VERSION,
               "requirements": REQUIREMENTS.get(framework, [])}
    env = _environment()
    return [HandlerFile(filename, env.get_template(template).render(context))
            for filename, template in FILES[framework]]
