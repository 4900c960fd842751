"""Configuration as code: one YAML file describes entities' whole configuration (settings, fee policy,
routing rules, webhook endpoints, extensions); export it, plan it (validated diff), apply it atomically."""

from payhub.admin.entities import EntityNotFound
from payhub.config.apply import (
    ConfigConflict,
    ConfigVersionNotFound,
    apply,
    record_baseline,
    rollback,
    version,
    versions,
)
from payhub.config.document import ConfigInvalid, SecretInDocument
from payhub.config.export import export
from payhub.config.plan import Plan, plan
from payhub.config.schema import json_schema

__all__ = ["ConfigConflict", "ConfigInvalid", "ConfigVersionNotFound", "EntityNotFound", "Plan", "SecretInDocument",
           "apply", "export", "json_schema", "plan", "record_baseline", "rollback", "version", "versions"]
