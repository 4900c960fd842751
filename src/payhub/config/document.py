"""Reading a configuration file: YAML with the line of every key, so errors can say `line N`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from payhub.domain.errors import ConfigInvalid

MAX_BYTES = 1_000_000
_LAST = re.compile(r"(\.[^.\[]+|\[\d+\])$")




@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    code: str = "invalid"
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "line": self.line, "code": self.code, "message": self.message}


def invalid(problems: Sequence[Problem], cls: type[ConfigInvalid] = ConfigInvalid) -> ConfigInvalid:
    shown = [f"line {p.line}: {p.field}: {p.message}" if p.line else f"{p.field}: {p.message}" for p in problems]
    more = f" (and {len(shown) - 5} more)" if len(shown) > 5 else ""
    return cls("; ".join(shown[:5]) + more, errors=[p.as_dict() for p in problems])


def path_str(path: Sequence[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def join(prefix: str, field: str) -> str:
    """`entities.acme.fee_policy` + `convenience_fees[0].percent`; a root-level field keeps the prefix."""
    if not field or field in ("(root)", "body"):
        return prefix
    return f"{prefix}{field}" if field.startswith("[") else f"{prefix}.{field}"


@dataclass
class Source:
    """A parsed document: its plain data and the line of each path (`entities.acme.fee_policy` → 12)."""

    text: str
    data: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)

    def line(self, path: str) -> int | None:
        """The line of `path`, else of its nearest ancestor. A path under `entities.<id>` that came from
        `defaults` is found there."""
        entity = re.match(r"entities\.[^.\[]+", path)
        current = path
        while current:
            if current in self.lines:
                return self.lines[current]
            if entity and current != entity.group(0):
                shared = "defaults" + current[entity.end():]
                if shared in self.lines:
                    return self.lines[shared]
            parent = _LAST.sub("", current)
            if parent == current:
                break
            current = parent
        return None

    def problem(self, path: str, message: str, code: str = "invalid") -> Problem:
        return Problem(path, message, code, self.line(path))


# As the API refuses in request bodies: control characters but tab and line breaks (PostgreSQL refuses NUL).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _walk(node: yaml.Node, path: tuple[str | int, ...], lines: dict[str, int], seen: set[int],
          problems: list[Problem]) -> None:
    if id(node) in seen:
        problems.append(Problem(path_str(path) or "(root)", "YAML anchors and aliases are not supported; "
                                "share values through `defaults`", "alias", node.start_mark.line + 1))
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*path, key)
            if CONTROL.search(key):
                problems.append(Problem(path_str(path) or "(root)", "keys must not hold control characters",
                                        "control_characters", key_node.start_mark.line + 1))
                continue
            if key in keys:
                problems.append(Problem(path_str(child), "duplicate key", "duplicate_key",
                                        key_node.start_mark.line + 1))
            keys.add(key)
            lines.setdefault(path_str(child), key_node.start_mark.line + 1)
            _walk(value_node, child, lines, seen, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines.setdefault(path_str((*path, i)), item.start_mark.line + 1)
            _walk(item, (*path, i), lines, seen, problems)
    elif isinstance(node, yaml.ScalarNode) and CONTROL.search(str(node.value)):  # e.g. "\0" escapes
        problems.append(Problem(path_str(path) or "(root)", "text must not hold control characters",
                                "control_characters", node.start_mark.line + 1))


def load(text: str) -> Source:
    """Parse YAML text; syntax errors, duplicate keys, aliases and a non-mapping root raise ConfigInvalid."""
    if len(text.encode()) > MAX_BYTES:
        raise invalid([Problem("(root)", f"the file is larger than {MAX_BYTES} bytes", "too_large")])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise invalid([Problem("(root)", f"YAML syntax error: {error.problem or error}", "yaml_syntax",
                               mark.line + 1 if mark else None)]) from None
    except yaml.YAMLError as error:
        raise invalid([Problem("(root)", f"YAML error: {error}", "yaml_syntax")]) from None
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    if node is not None:
        _walk(node, (), lines, set(), problems)
    if problems:
        raise invalid(problems)
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise invalid([Problem("(root)", "the file must be a mapping with `version` and `entities`", "type",
                               1 if node is None else node.start_mark.line + 1)])
    return Source(text, data, lines)


def deep_merge(base: Any, over: Any) -> Any:
    """Mappings merge key by key (`over` wins; a null in `over` removes the key, e.g. a webhook endpoint
    inherited from `defaults`); anything else in `over` replaces `base`."""
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return over
