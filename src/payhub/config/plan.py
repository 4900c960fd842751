"""Plan: validate a configuration file with the validators the admin APIs use, and diff it against the
installed state (what would be created, changed or deleted, per entity)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from payhub.admin.entities import dispute_settings, entity_problems, reconciliation_settings
from payhub.admin.extensions import extension_problem, extension_settings
from payhub.admin.fee_policies import validate_fee_policy
from payhub.admin.portal_settings import portal_settings
from payhub.admin.routing_rules import validate_routing_rules
from payhub.config.document import (
    Problem,
    Source,
    deep_merge,
    invalid,
    join,
    load,
    path_str,
)
from payhub.config.schema import ConfigDocument, EntityConfig, WebhookEndpointConfig
from payhub.domain.errors import InvalidRequest, SecretInDocument
from payhub.domain.fees import parse_policy
from payhub.domain.ledger import PostingRules
from payhub.erp.settings import public_erp, stored_erp
from payhub.services import Services
from payhub.store import repo
from payhub.store.models import (
    Entity,
    FeePolicyVersion,
    RoutingRuleSet,
    WebhookEndpoint,
)
from payhub.store.repo import extension_rows
from payhub.webhooks.catalogue import event_types_problem
from payhub.webhooks.retry import schedule_problem
from payhub.webhooks.transport import check_literal

ENTITY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
ENDPOINT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
ENDPOINT_FIELDS = ("url", "description", "event_types", "retry_schedule", "retry_schedules", "rate_limit_per_s",
                   "max_concurrency", "failure_alert_threshold", "enabled")
ENTITY_FIELDS = ("name", "default_currency", "gateway", "timezone", "capture_fee_allocation", "branding", "portal",
                 "posting_rules", "disputes", "reconciliation")


@dataclass
class Desired:
    """One entity's validated, normalized target state. None: the section is not managed by the file."""

    id: str
    fields: dict[str, Any]
    fee_policy: dict[str, Any] | None
    routing: dict[str, Any] | None
    webhooks: dict[str, dict[str, Any]] | None  # name → endpoint fields
    extensions: dict[str, dict[str, Any]] | None


@dataclass
class Change:
    entity: str
    kind: str  # entity | fee_policy | routing | webhook_endpoint | extension
    target: str  # the entity id, "fee_policy", "routing", an endpoint url, an extension name
    action: str  # create | update | delete
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    name: str | None = None  # a webhook endpoint's name in the file
    ref: str | None = None  # an existing webhook endpoint's id

    def details(self) -> list[str]:
        if self.action == "delete":
            return []
        return diff_lines(self.before if self.action == "update" else None, self.after)

    def as_dict(self) -> dict[str, Any]:
        out = {"entity": self.entity, "kind": self.kind, "target": self.target, "action": self.action,
               "before": self.before, "after": self.after, "diff": self.details()}
        if self.name is not None:
            out["name"] = self.name
        if self.ref is not None:
            out["id"] = self.ref
        return out


@dataclass
class Plan:
    base_version: int
    entities: list[str]
    changes: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.changes

    def summary(self) -> dict[str, Any]:
        counts = {a: sum(1 for c in self.changes if c.action == a) for a in ("create", "update", "delete")}
        return {"entities": self.entities, "counts": counts,
                "changes": [{"entity": c.entity, "kind": c.kind, "target": c.target, "action": c.action}
                            for c in self.changes]}

    def as_dict(self) -> dict[str, Any]:
        return {"object": "config_plan", "base_version": self.base_version, **self.summary(),
                "changes": [c.as_dict() for c in self.changes]}

    def render(self) -> str:
        """A readable diff: `+` create, `~` update, `-` delete, with the changed values."""
        counts = self.summary()["counts"]
        lines = [f"Plan against config version {self.base_version}: {counts['create']} to create, "
                 f"{counts['update']} to change, {counts['delete']} to delete"]
        if self.empty:
            lines.append("No changes: the installed configuration matches the file.")
        for entity in self.entities:
            changes = [c for c in self.changes if c.entity == entity]
            if not changes:
                continue
            lines.append(f"entity {entity}")
            for c in changes:
                sign = {"create": "+", "update": "~", "delete": "-"}[c.action]
                label = c.kind if c.kind in ("fee_policy", "routing") else f"{c.kind} {c.target}"
                named = f" ({c.name})" if c.name else ""
                lines.append(f"  {sign} {c.action} {label}{named}")
                lines.extend(f"      {d}" for d in c.details())
        return "\n".join(lines)


def _show(value: Any) -> str:
    return "(absent)" if value is _ABSENT else json.dumps(value)


_ABSENT = object()


def diff_lines(before: Any, after: Any, path: str = "") -> list[str]:
    """`path: old → new` for every leaf that differs (`None` before: every leaf of `after`)."""
    if (before is None or before is _ABSENT) and isinstance(after, dict):
        before = {}
    if isinstance(before, dict) and isinstance(after, dict):
        out: list[str] = []
        for key in [*before, *(k for k in after if k not in before)]:
            out += diff_lines(before.get(key, _ABSENT), after.get(key, _ABSENT), join(path, str(key)) if path
                              else str(key))
        return out
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after) and before != after:
        return [line for i, (b, a) in enumerate(zip(before, after, strict=True))
                for line in diff_lines(b, a, f"{path}[{i}]")]
    if before == after:
        return []
    if before is _ABSENT:
        return [f"{path}: {_show(after)}"]
    return [f"{path}: {_show(before)} → {_show(after)}"]


# --- validation ---------------------------------------------------------------------------------------

def _pydantic_problems(source: Source, error: ValidationError, prefix: tuple[str | int, ...] = ()
                       ) -> list[Problem]:
    return [source.problem(path_str((*prefix, *e["loc"])) or "(root)", e["msg"], e["type"]) for e in error.errors()]


def _check(source: Source, problems: list[Problem], prefix: str, error: InvalidRequest) -> None:
    raw = error.extra.get("field")
    path = join(prefix, raw if isinstance(raw, str) else "")
    message = error.detail
    if isinstance(raw, str) and message.startswith(f"{raw}: "):
        message = message[len(raw) + 2:]
    problems.append(source.problem(path, message, error.code))


def _validate_endpoint(source: Source, svc: Services, problems: list[Problem], at: str,
                       endpoint: WebhookEndpointConfig) -> None:
    try:
        check_literal(endpoint.url, svc.webhook_allowed_networks)
    except InvalidRequest as error:
        _check(source, problems, at, error)
    if (msg := event_types_problem(endpoint.event_types)) is not None:
        problems.append(source.problem(f"{at}.event_types", msg))
    if (msg := schedule_problem(endpoint.retry_schedule)) is not None:
        problems.append(source.problem(f"{at}.retry_schedule", msg))
    for event_type, schedule in endpoint.retry_schedules.items():
        msg = event_types_problem([event_type]) or schedule_problem(schedule)
        if msg is not None:
            problems.append(source.problem(f"{at}.retry_schedules.{event_type}", msg))


def _validate_entity(s: Session, svc: Services, source: Source, problems: list[Problem], entity_id: str,
                     config: EntityConfig, scope: str | None) -> Desired:
    at = f"entities.{entity_id}"
    if scope is not None and entity_id != scope:
        # Refused alone, before anything that depends on whether it exists: the answer must not tell.
        problems.append(source.problem(at, f"this API key acts for {scope}; it may configure only that entity "
                                           "(creating entities needs a platform key)", "entity_not_permitted"))
        return Desired(entity_id, {}, None, None, None, None)
    exists = s.get(Entity, entity_id) is not None
    if not ENTITY_ID.fullmatch(entity_id):
        problems.append(source.problem(at, "entity ids are 1-40 letters, digits, _ or -", "entity_id_invalid"))
    if not exists:
        for required in ("name", "default_currency"):
            if getattr(config, required) is None:
                problems.append(source.problem(at, f"`{required}` is required to create the entity", "missing"))
    for problem in entity_problems(svc.gateways, config.model_dump(include={"default_currency", "gateway",
                                                                          "timezone"})):
        problems.append(source.problem(f"{at}.{problem.field}", problem.error.detail, problem.code))
    fields: dict[str, Any] = {k: getattr(config, k) for k in ("name", "default_currency", "gateway", "timezone",
                                                             "capture_fee_allocation", "branding")
                              if getattr(config, k) is not None}
    if config.portal is not None:
        fields["portal"] = config.portal.model_dump()
    if config.erp is not None:
        try:  # validated now (mapping, password variable set); sealed when applied
            fields["erp"] = public_erp(stored_erp(svc.secret_key, entity_id, config.erp.settings()))
        except InvalidRequest as error:
            problems.append(source.problem(f"{at}.{error.extra.get('field', 'erp')}", error.detail, error.code))
    if config.posting_rules is not None:
        fields["posting_rules"] = PostingRules(**config.posting_rules.model_dump(exclude_none=True)).as_dict()
    for section in ("disputes", "reconciliation"):
        if (value := getattr(config, section)) is not None:
            fields[section] = value.model_dump()

    fee_policy = None
    if config.fee_policy is not None:
        try:
            fee_policy = validate_fee_policy(config.fee_policy)
        except InvalidRequest as error:
            _check(source, problems, f"{at}.fee_policy", error)
    routing = None
    if config.routing is not None:
        routing = config.routing.model_dump()
        try:
            validate_routing_rules(routing, svc.gateways.keys())
        except InvalidRequest as error:
            _check(source, problems, f"{at}.routing", error)

    webhooks = None
    if config.webhook_endpoints is not None:
        webhooks, urls = {}, dict[str, str]()
        for name, endpoint in config.webhook_endpoints.items():
            if endpoint is None:  # removed from the defaults by a null: not wanted
                continue
            where = f"{at}.webhook_endpoints.{name}"
            if not ENDPOINT_NAME.fullmatch(name):
                problems.append(source.problem(where, "endpoint names are 1-100 letters, digits, _ . or -"))
            if endpoint.url in urls:
                problems.append(source.problem(f"{where}.url", f"the same url as endpoint {urls[endpoint.url]!r}: "
                                                               "endpoints are matched by url", "duplicate_url"))
            urls[endpoint.url] = name
            _validate_endpoint(source, svc, problems, where, endpoint)
            webhooks[name] = endpoint.model_dump()

    extensions = None
    if config.extensions is not None:
        extensions = {}
        for name, ext in config.extensions.items():
            if ext is None:
                continue
            if (wrong := extension_problem(name, ext.pinned_version)) is not None:
                field, message, code = wrong
                problems.append(source.problem(join(f"{at}.extensions.{name}", field), message, code))
            extensions[name] = ext.model_dump()
    return Desired(entity_id, fields, fee_policy, routing, webhooks, extensions)


SECRET_MESSAGE = ("an ERP password is never part of a configuration file (applied files are kept as config "
                  "versions): name the environment variable that holds it with password_env")


def secret_problems(source: Source) -> list[Problem]:
    """Every `erp.password` in the file, in `defaults` or an entity, whatever its value."""
    sections: list[tuple[str, Any]] = [("defaults", source.data.get("defaults"))]
    entities = source.data.get("entities")
    if isinstance(entities, dict):
        sections += [(f"entities.{entity_id}", raw) for entity_id, raw in entities.items()]
    found = []
    for at, raw in sections:
        erp = raw.get("erp") if isinstance(raw, dict) else None
        if isinstance(erp, dict) and "password" in erp:
            found.append(source.problem(f"{at}.erp.password", SECRET_MESSAGE, "secret_in_document"))
    return found


def validate(s: Session, svc: Services, source: Source, scope: str | None = None) -> list[Desired]:
    """Every entity's target state, or ConfigInvalid listing every problem with its field path and line
    (SecretInDocument first, alone, if the file holds a password: nothing else is worth reporting then)."""
    if secrets := secret_problems(source):
        raise invalid(secrets, SecretInDocument)
    problems: list[Problem] = []
    try:
        ConfigDocument.model_validate(source.data)
    except ValidationError as error:
        problems += _pydantic_problems(source, error)
    defaults, entities = source.data.get("defaults"), source.data.get("entities")
    if not isinstance(entities, dict) or not isinstance(defaults, dict | None):
        raise invalid(problems)
    desired: list[Desired] = []
    for entity_id, raw in entities.items():  # then each entity with the defaults merged in, and its semantics
        entity_id = str(entity_id)
        try:
            config = EntityConfig.model_validate(deep_merge(defaults or {}, raw or {}))
        except ValidationError as error:
            problems += [p for p in _pydantic_problems(source, error, ("entities", entity_id)) if p not in problems]
            continue
        desired.append(_validate_entity(s, svc, source, problems, entity_id, config, scope))
    if problems:
        raise invalid(problems)
    return desired


# --- diff ---------------------------------------------------------------------------------------------

def current_version(s: Session) -> int:
    return repo.latest_config_version(s)


def endpoint_settings(e: WebhookEndpoint) -> dict[str, Any]:
    return {name: getattr(e, name) for name in ENDPOINT_FIELDS}


def entity_settings(row: Entity) -> dict[str, Any]:
    return {"name": row.name, "default_currency": row.default_currency, "gateway": row.gateway,
            "timezone": row.timezone, "capture_fee_allocation": row.capture_fee_allocation,
            "branding": dict(sorted((row.branding or {}).items())),
            "portal": portal_settings(row.portal),
            **({"erp": public_erp(row.erp)} if row.erp else {}),
            "posting_rules": PostingRules.from_dict(row.posting_rules).as_dict(),
            "disputes": dispute_settings(row.disputes), "reconciliation": reconciliation_settings(row.reconciliation)}


NO_FEES = parse_policy({}).to_dict()


def implicit_routing(gateway: str) -> dict[str, Any]:
    """What an entity without routing rules does: everything to its default gateway."""
    return {"default": [gateway], "rules": [], "success_rate_routing": False, "exploration_percent": 5}


def latest_fee_policy(s: Session, entity_id: str) -> FeePolicyVersion | None:
    return repo.latest(s, FeePolicyVersion, entity_id)


def latest_routing(s: Session, entity_id: str) -> RoutingRuleSet | None:
    return repo.latest(s, RoutingRuleSet, entity_id)


def routing_settings(row: RoutingRuleSet) -> dict[str, Any]:
    rules = row.rules
    return {"default": rules.get("default", []), "rules": rules.get("rules", []),
            "success_rate_routing": bool(rules.get("success_rate_routing", False)),
            "exploration_percent": rules.get("exploration_percent", 5)}


def endpoints(s: Session, entity_id: str) -> list[WebhookEndpoint]:
    return repo.webhook_endpoints(s, entity_id)


def _entity_changes(s: Session, want: Desired) -> list[Change]:
    eid = want.id
    out: list[Change] = []
    row = s.get(Entity, eid)
    if row is None:
        after = {"name": want.fields["name"], "default_currency": want.fields["default_currency"],
                 "gateway": want.fields.get("gateway", "simulator"), "timezone": want.fields.get("timezone", "UTC"),
                 "capture_fee_allocation": want.fields.get("capture_fee_allocation", "proportional"),
                 "branding": want.fields.get("branding", {}),
                 "portal": want.fields.get("portal", portal_settings(None)),
                 **({"erp": want.fields["erp"]} if want.fields.get("erp") else {}),
                 "posting_rules": want.fields.get("posting_rules", PostingRules().as_dict()),
                 "disputes": want.fields.get("disputes", dispute_settings(None)),
                 "reconciliation": want.fields.get("reconciliation", reconciliation_settings(None))}
        out.append(Change(eid, "entity", eid, "create", None, after))
    else:
        before = entity_settings(row)
        after = {**before, **want.fields}
        if after != before:
            out.append(Change(eid, "entity", eid, "update", before, after))

    # An entity without a fee policy or routing rules behaves as "no fees" and "all to its gateway": a file
    # saying exactly that (a baseline version) changes nothing there.
    if want.fee_policy is not None:
        fee_row = latest_fee_policy(s, eid) if row else None
        current = parse_policy(fee_row.policy).to_dict() if fee_row else None
        if current != want.fee_policy and not (current is None and want.fee_policy == NO_FEES):
            out.append(Change(eid, "fee_policy", "fee_policy", "update" if current else "create", current,
                              want.fee_policy))
    if want.routing is not None:
        routing_row = latest_routing(s, eid) if row else None
        routes = routing_settings(routing_row) if routing_row else None
        gateway = want.fields.get("gateway") or (row.gateway if row else "simulator")
        if routes != want.routing and not (routes is None and want.routing == implicit_routing(gateway)):
            out.append(Change(eid, "routing", "routing", "update" if routes else "create", routes, want.routing))

    if want.webhooks is not None:
        installed: dict[str, WebhookEndpoint] = {}
        extra: list[WebhookEndpoint] = []
        for e in endpoints(s, eid) if row else []:
            if e.url in installed:
                extra.append(e)  # the API allows one url twice; the file matches the oldest, drops the others
            else:
                installed[e.url] = e
        wanted_urls = set()
        for name, fields in sorted(want.webhooks.items()):
            wanted_urls.add(fields["url"])
            found = installed.get(fields["url"])
            if found is None:
                out.append(Change(eid, "webhook_endpoint", fields["url"], "create", None, fields, name))
            elif endpoint_settings(found) != fields:
                out.append(Change(eid, "webhook_endpoint", fields["url"], "update", endpoint_settings(found), fields,
                                  name, found.id))
        gone = [e for e in installed.values() if e.url not in wanted_urls] + extra
        for e in sorted(gone, key=lambda e: (e.url, e.id)):
            out.append(Change(eid, "webhook_endpoint", e.url, "delete", endpoint_settings(e), None, None, e.id))

    if want.extensions is not None:
        rows = {r.name: r for r in extension_rows(s, eid)} if row else {}
        for name, settings in sorted(want.extensions.items()):
            ext = rows.get(name)
            if ext is None:
                out.append(Change(eid, "extension", name, "create", None, settings))
            elif extension_settings(ext) != settings:
                out.append(Change(eid, "extension", name, "update", extension_settings(ext), settings))
        for name in sorted(set(rows) - set(want.extensions)):
            out.append(Change(eid, "extension", name, "delete", extension_settings(rows[name]), None))
    return out


def build(s: Session, svc: Services, source: Source, scope: str | None = None) -> tuple[Plan, list[Desired]]:
    desired = validate(s, svc, source, scope)
    plan = Plan(current_version(s), [d.id for d in desired])
    for want in desired:
        plan.changes += _entity_changes(s, want)
    return plan, desired


def plan(svc: Services, text: str, *, scope: str | None = None) -> Plan:
    """Validate `text` and diff it against the installed configuration. Nothing is written.
    `scope`: the only existing entity the caller may configure (an API key's entity); None: any."""
    source = load(text)
    with svc.read() as s:
        return build(s, svc, source, scope)[0]
