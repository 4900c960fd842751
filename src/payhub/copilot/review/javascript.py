"""The integration review of JavaScript and TypeScript (.js .mjs .cjs .jsx .ts .tsx), on tree-sitter's grammars.
Names are resolved file-wide (every `const/let/var name = …` of that name), which is coarser than JavaScript's
block scopes; a value that cannot be resolved counts as unknown, and an unknown never produces a finding."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Literal

import tree_sitter_javascript
import tree_sitter_typescript
from tree_sitter import Language, Node, Parser

from payhub.copilot.review.rules import (
    INTERPOLATED,
    PAID_STATUSES,
    SECRET_KEY,
    SUCCESS_STATUSES,
    Finding,
    is_admin_name,
    is_browser_path,
    is_secret_env_name,
    means_fulfilment,
    means_signature,
    payhub_path,
    payments_scope_suffices,
    words,
)

EXTENSIONS = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx")
FUNCTIONS = frozenset({"function_declaration", "function_expression", "function", "arrow_function",
                       "method_definition", "generator_function_declaration", "generator_function"})
LOOPS = frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement"})
HTTP_CLIENT_WORDS = frozenset({"axios", "client", "http", "api", "got", "ky", "payhub", "instance", "request"})
SLEEPS = frozenset({"settimeout", "sleep", "delay", "wait"})
STATUS_NAMES = frozenset({"status", "ok", "statusCode"})
REQUEST_PARAMS = frozenset({"req", "request"})
LITERALS = frozenset({"string", "number", "null", "undefined", "true", "false", "regex"})


@cache
def _parser(dialect: str) -> Parser:
    language = {"js": tree_sitter_javascript.language, "ts": tree_sitter_typescript.language_typescript,
                "tsx": tree_sitter_typescript.language_tsx}[dialect]()
    return Parser(Language(language))


def parse(path: str, source: str) -> Node:
    """The syntax tree of a JavaScript or TypeScript file (tree-sitter recovers from errors: never raises)."""
    dialect = "tsx" if path.endswith(".tsx") else "ts" if path.endswith(".ts") else "js"
    return _parser(dialect).parse(source.encode()).root_node


def review(path: str, source: str) -> list[Finding]:
    return _Review(path, source).run()


def _text(node: Node) -> str:
    return (node.text or b"").decode(errors="replace")


def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.named_children))


def _unwrap(node: Node | None) -> Node | None:
    """Through parentheses, await, TypeScript's `as`/`!`/`satisfies`."""
    while node is not None and node.type in ("parenthesized_expression", "await_expression", "as_expression",
                                             "non_null_expression", "satisfies_expression", "type_assertion"):
        node = next((c for c in node.named_children if not c.type.endswith("type")), None)
    return node


def _string(node: Node | None) -> str | None:
    """A string literal's value; a template's with "{}" for its substitutions."""
    node = _unwrap(node)
    if node is None:
        return None
    if node.type == "string":
        return "".join(_text(c) for c in node.named_children)
    if node.type == "template_string":
        return "".join(_text(c) if c.type in ("string_fragment", "escape_sequence") else INTERPOLATED
                       for c in node.named_children)
    return None


def _name(node: Node | None) -> str:
    """The name a callee, operand or key goes by: `x` → x, `a.b.c` → c, `"x"` → x."""
    node = _unwrap(node)
    if node is None:
        return ""
    if node.type in ("identifier", "property_identifier", "shorthand_property_identifier", "type_identifier",
                     "private_property_identifier"):
        return _text(node)
    if node.type == "member_expression":
        return _name(node.child_by_field_name("property"))
    return _string(node) or ""


def _arguments(call: Node) -> list[Node]:
    arguments = call.child_by_field_name("arguments")
    return [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []


def _params(function: Node) -> list[str]:
    parameters = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    if parameters is None:
        return []
    if parameters.type == "identifier":
        return [_text(parameters)]
    out = []
    for p in parameters.named_children:
        p = p.child_by_field_name("pattern") or p if p.type in ("required_parameter", "optional_parameter") else p
        out.append(_text(p) if p.type == "identifier" else "")
    return out


@dataclass(frozen=True)
class HttpCall:
    method: str | None  # None: not known (an init object we cannot see)
    url: Node | None
    config_known: bool  # False when the options object is there but cannot be resolved
    headers: Node | None


class _Review:
    def __init__(self, path: str, source: str) -> None:
        self.path = path
        self.source = source
        self.root = parse(path, source)
        self.lines = source.splitlines()
        self.declared: dict[str, list[Node]] = {}
        self.functions: dict[str, list[Node]] = {}
        for node in _walk(self.root):
            if node.type == "variable_declarator":
                name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
                if name is not None and name.type == "identifier":
                    self.declared.setdefault(_text(name), []).extend([value] if value is not None else [])
                    if value is not None and _unwrap(value) is not None and _unwrap(value).type in FUNCTIONS:  # type: ignore[union-attr]
                        self.functions.setdefault(_text(name), []).append(_unwrap(value))  # type: ignore[arg-type]
            elif node.type in ("function_declaration", "generator_function_declaration", "method_definition"):
                name = node.child_by_field_name("name")
                if name is not None:
                    self.functions.setdefault(_text(name), []).append(node)
        self.routes: dict[tuple[int, int], str] = {}  # a route handler's span → "POST /path", to name it
        self.findings: list[Finding] = []

    def run(self) -> list[Finding]:
        for check in (self.check_idempotency, self.check_float_money, self.check_webhooks,
                      self.check_signature_equality, self.check_secret_keys, self.check_retries,
                      self.check_requires_capture, self.check_admin_key):
            check()
        return self.findings

    # --- helpers ---------------------------------------------------------------------------------------------

    def report(self, node: Node, rule: str, message: str) -> None:
        row, byte_column = node.start_point
        text = self.lines[row] if row < len(self.lines) else ""
        column = len(text.encode()[:byte_column].decode(errors="ignore")) + 1
        self.findings.append(Finding(self.path, row + 1, column, rule, message))

    def resolve(self, node: Node | None, depth: int = 0) -> list[Node] | None:
        """What an expression stands for: itself, or for a name every value it is declared with (None: unknown,
        e.g. a parameter)."""
        node = _unwrap(node)
        if node is None or depth > 5:
            return None
        if node.type in ("identifier", "shorthand_property_identifier"):
            values = self.declared.get(_text(node))
            if not values:
                return None
            out: list[Node] = []
            for value in values:
                resolved = self.resolve(value, depth + 1)
                if resolved is None:
                    return None
                out.extend(resolved)
            return out
        return [node]

    def text(self, node: Node | None, depth: int = 0) -> str | None:
        node = _unwrap(node)
        if node is None or depth > 5:
            return None
        if (value := _string(node)) is not None:
            return value
        if node.type == "binary_expression" and _text(node.child_by_field_name("operator")) == "+":  # type: ignore[arg-type]
            left = self.text(node.child_by_field_name("left"), depth + 1)
            right = self.text(node.child_by_field_name("right"), depth + 1)
            return None if left is None and right is None else (left or INTERPOLATED) + (right or INTERPOLATED)
        if node.type == "identifier" and (values := self.declared.get(_text(node))) and len(values) == 1:
            return self.text(values[0], depth + 1)
        if node.type == "new_expression" and _name(node.child_by_field_name("constructor")) == "URL":
            parts = [self.text(a, depth + 1) or INTERPOLATED for a in _arguments(node)]
            return "".join(reversed(parts)) if parts else None  # new URL(path, base)
        return None

    def pair(self, obj: Node, key: str) -> Node | Literal[False] | None:
        """The value of `key` in an object literal; False when the object has no such key; None when it cannot
        be told (a spread, a computed key)."""
        unknown = False
        for child in obj.named_children:
            if child.type == "pair":
                name = _name(child.child_by_field_name("key"))
                if name.lower() == key.lower():
                    return child.child_by_field_name("value")
                if not name:
                    unknown = True
            elif child.type == "shorthand_property_identifier" and _text(child).lower() == key.lower():
                return child
            elif child.type == "spread_element":
                unknown = True
        return None if unknown else False

    def options(self, node: Node | None) -> tuple[Node | None, bool]:
        """The object literal an options argument resolves to: (object, True); (None, True) when absent;
        (None, False) when it cannot be resolved to one object literal."""
        if node is None:
            return None, True
        resolved = self.resolve(node)
        if resolved is None or len(resolved) != 1 or resolved[0].type != "object":
            return None, False
        return resolved[0], True

    def http_call(self, call: Node) -> HttpCall | None:
        """fetch(url, init); axios-style `x.post(url, data, config)` / `x.get(url, config)` (get and delete only
        on a receiver named like a client); axios(config) / axios.request(config)."""
        if call.type != "call_expression":
            return None
        callee = _unwrap(call.child_by_field_name("function"))
        arguments = _arguments(call)
        name = _name(callee)
        receiver = _name(callee.child_by_field_name("object")) if callee is not None and \
            callee.type == "member_expression" else ""
        if name == "fetch" and arguments:
            init, known = self.options(arguments[1] if len(arguments) > 1 else None)
            if init is None:
                return HttpCall("GET" if known else None, arguments[0], known, None)
            method = self.member(init, "method")
            headers = self.member(init, "headers")
            method_text = "GET" if method is False else (self.text(method) if method else None)
            return HttpCall(method_text.upper() if method_text else None, arguments[0], headers is not None,
                            headers or None)
        if callee is not None and callee.type == "member_expression" and arguments:
            verb = name.lower()
            config_at = {"post": 2, "put": 2, "patch": 2, "get": 1, "delete": 1}.get(verb)
            if verb in ("get", "delete") and not set(words(receiver)) & HTTP_CLIENT_WORDS:
                return None
            if config_at is not None:
                config, known = self.options(arguments[config_at] if len(arguments) > config_at else None)
                headers = self.member(config, "headers") if config is not None else False
                return HttpCall(verb.upper(), arguments[0], known and headers is not None, headers or None)
            if verb == "request" and "axios" in words(receiver):
                return self.axios_config(arguments[0])
        if name == "axios" and callee is not None and callee.type == "identifier" and arguments:
            return self.axios_config(arguments[0])
        return None

    def axios_config(self, argument: Node) -> HttpCall | None:
        config, known = self.options(argument)
        if config is None:
            return None
        method, url, headers = (self.member(config, k) for k in ("method", "url", "headers"))
        method_text = "GET" if method is False else (self.text(method) if method else None)
        return HttpCall(method_text.upper() if method_text else None, url or None, headers is not None,
                        headers or None)

    def member(self, obj: Node, key: str) -> Node | Literal[False] | None:
        value = self.pair(obj, key)
        return value

    def calls(self, root: Node) -> Iterator[Node]:
        return (n for n in _walk(root) if n.type == "call_expression")

    def strings(self, roots: list[Node]) -> set[str]:
        return {(_string(n) or "").lower() for r in roots for n in _walk(r) if n.type in ("string", "template_string")}

    # --- PH001 ------------------------------------------------------------------------------------------------

    def check_idempotency(self) -> None:
        """PH001: a fetch / axios-style call (see http_call) with method POST whose URL's literal text is a
        PayHub path, with no headers, or headers that resolve to an object without Idempotency-Key (any case;
        object literals, spreads, `new Headers({…})`, `h.set/append("Idempotency-Key", …)` or
        `h["Idempotency-Key"] = …` anywhere in the file, and functions of this file returning one). An options
        object or headers that cannot be resolved are not reported."""
        for call in self.calls(self.root):
            http = self.http_call(call)
            if http is None or http.method != "POST" or not http.config_known:
                continue
            segments = payhub_path(self.text(http.url))
            if segments is None:
                continue
            has_key = False if http.headers is None else self.has_header(http.headers, "idempotency-key", 0)
            if has_key is False:
                self.report(call, "PH001", f"POST /v1/{'/'.join(segments)} is sent without an Idempotency-Key "
                                           "header: a retry can repeat the payment.")

    def has_header(self, node: Node, header: str, depth: int) -> bool | None:
        node = _unwrap(node)  # type: ignore[assignment]
        if node is None or depth > 6:
            return None
        if node.type == "object":
            found = self.pair(node, header)
            if found not in (None, False):
                return True
            spreads = [self.has_header(s.named_children[0], header, depth + 1) for s in node.named_children
                       if s.type == "spread_element" and s.named_children]
            if any(spreads):
                return True
            return None if found is None and (None in spreads or not spreads) else False
        if node.type == "new_expression" and _name(node.child_by_field_name("constructor")) == "Headers":
            arguments = _arguments(node)
            return self.has_header(arguments[0], header, depth + 1) if arguments else False
        if node.type in ("identifier", "shorthand_property_identifier"):
            if self.header_set_on(_text(node), header):
                return True
            values = self.resolve(node)
            if values is None:
                return None
            answers = [self.has_header(v, header, depth + 1) if v is not node else None for v in values]
            return True if any(answers) else (None if None in answers else False)
        if node.type == "call_expression" and (functions := self.functions.get(_name(
                node.child_by_field_name("function")))):
            answers = [self.has_header(r, header, depth + 1) for f in functions for r in self.returns(f)]
            return True if any(answers) else (None if None in answers or not answers else False)
        return None

    def returns(self, function: Node) -> list[Node]:
        body = function.child_by_field_name("body")
        if body is None:
            return []
        if body.type != "statement_block":
            return [body]  # an arrow function's expression body
        return [r.named_children[0] for r in _walk(body) if r.type == "return_statement" and r.named_children]

    def header_set_on(self, name: str, header: str) -> bool:
        for node in _walk(self.root):
            if node.type == "call_expression":
                callee = node.child_by_field_name("function")
                arguments = _arguments(node)
                if (callee is not None and callee.type == "member_expression" and _name(callee) in ("set", "append")
                        and _text(callee.child_by_field_name("object")) == name and arguments  # type: ignore[arg-type]
                        and (_string(arguments[0]) or "").lower() == header):
                    return True
            elif node.type == "assignment_expression":
                left = node.child_by_field_name("left")
                if left is not None and left.type == "subscript_expression" and _text(
                        left.child_by_field_name("object")) == name and (  # type: ignore[arg-type]
                        _string(left.child_by_field_name("index")) or "").lower() == header:
                    return True
        return False

    # --- PH002 ------------------------------------------------------------------------------------------------

    def check_float_money(self) -> None:
        """PH002: a float flowing into an amount: the value of an object key (or a shorthand property, or an
        assignment `x.amount = …`) whose name ends in `amount` is a number literal with a fraction or exponent
        (12.5, 1e2), parseFloat(…), `.toFixed(…)`, a division `/`, arithmetic with any of those, or a name
        declared with one. Math.round/floor/ceil/trunc end the float."""
        for node in _walk(self.root):
            pairs: list[tuple[str, Node]] = []
            if node.type == "pair":
                key, value = node.child_by_field_name("key"), node.child_by_field_name("value")
                if key is not None and value is not None:
                    pairs = [(_name(key), value)]
            elif node.type == "shorthand_property_identifier" and node.parent is not None and \
                    node.parent.type == "object":
                pairs = [(_text(node), node)]
            elif node.type == "assignment_expression":
                left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
                if left is not None and right is not None and left.type in ("member_expression",
                                                                            "subscript_expression"):
                    target = _name(left) if left.type == "member_expression" else _string(
                        left.child_by_field_name("index")) or ""
                    pairs = [(target, right)]
            for field_name, value in pairs:
                if field_name.lower().endswith("amount") and self.is_float(value, 0):
                    self.report(value, "PH002", f"`{field_name}` gets a float (`{_text(value)}`): PayHub takes "
                                                "integer minor units.")

    def is_float(self, node: Node | None, depth: int) -> bool:
        node = _unwrap(node)
        if node is None or depth > 6:
            return False
        if node.type == "number":
            literal = _text(node).lower().replace("_", "")
            return not literal.startswith(("0x", "0b", "0o")) and ("." in literal or "e" in literal)
        if node.type == "call_expression":
            callee = node.child_by_field_name("function")
            name = _name(callee)
            return name in ("parseFloat", "toFixed")
        if node.type == "binary_expression":
            operator = _text(node.child_by_field_name("operator"))  # type: ignore[arg-type]
            if operator == "/":
                return True
            if operator in ("+", "-", "*", "%", "**"):
                return self.is_float(node.child_by_field_name("left"), depth + 1) or self.is_float(
                    node.child_by_field_name("right"), depth + 1)
            return False
        if node.type == "unary_expression":
            return self.is_float(node.child_by_field_name("argument"), depth + 1)
        if node.type == "ternary_expression":
            return self.is_float(node.child_by_field_name("consequence"), depth + 1) or self.is_float(
                node.child_by_field_name("alternative"), depth + 1)
        if node.type in ("identifier", "shorthand_property_identifier"):
            return any(self.is_float(v, depth + 1) for v in self.declared.get(_text(node), []))
        return False

    # --- PH003, PH004, PH006 ----------------------------------------------------------------------------------

    def webhook_handlers(self) -> list[Node]:
        """(a) The last argument of `x.post(path, …)` whose path's literal text says webhook (a function, or the
        name of one in this file); (b) in a file whose path says webhook, an exported function or const named
        POST (Next.js route handlers); (c) a function whose name says webhook and whose first parameter is
        `req`/`request`. Functions named for verifying or signing are helpers, not handlers."""
        found: dict[tuple[int, int], Node] = {}

        def add(function: Node | None) -> None:
            function = _unwrap(function)
            if function is not None and function.type in FUNCTIONS:
                found[(function.start_byte, function.end_byte)] = function

        for call in self.calls(self.root):
            callee = call.child_by_field_name("function")
            arguments = _arguments(call)
            if callee is not None and callee.type == "member_expression" and _name(callee) == "post" and \
                    len(arguments) >= 2 and "webhook" in (self.text(arguments[0]) or "").lower():
                last = arguments[-1]
                self.routes[(last.start_byte, last.end_byte)] = f"POST {self.text(arguments[0])}"
                if last.type == "identifier":
                    for function in self.functions.get(_text(last), []):
                        add(function)
                else:
                    add(last)
        if "webhook" in self.path.lower():
            for function in self.functions.get("POST", []):
                add(function)
        for name, functions in self.functions.items():
            name_words = set(words(name))
            if "webhook" in name_words and not name_words & {"verify", "sign", "signature"}:
                for function in functions:
                    if (_params(function) or [""])[0] in REQUEST_PARAMS:
                        add(function)
        return list(found.values())

    def reach(self, function: Node) -> list[Node]:
        seen = {(function.start_byte, function.end_byte): function}
        stack = [function]
        while stack:
            for call in self.calls(stack.pop()):
                for callee in self.functions.get(_name(call.child_by_field_name("function")), []):
                    if (callee.start_byte, callee.end_byte) not in seen:
                        seen[(callee.start_byte, callee.end_byte)] = callee
                        stack.append(callee)
        return list(seen.values())

    @staticmethod
    def is_verification(call: Node) -> bool:
        callee = call.child_by_field_name("function")
        name = _name(callee)
        if "verify" in name.lower() or name in ("createHmac", "timingSafeEqual"):
            return True
        return name == "sign" and callee is not None and callee.type == "member_expression" and _name(
            callee.child_by_field_name("object")) == "subtle"

    def function_name(self, function: Node) -> str:
        name = function.child_by_field_name("name")
        if name is None and function.parent is not None and function.parent.type == "variable_declarator":
            name = function.parent.child_by_field_name("name")
        if name is not None:
            return f"`{_text(name)}`"
        return f"for {self.routes.get((function.start_byte, function.end_byte), 'an anonymous function')}"

    def check_webhooks(self) -> None:
        """PH003: a webhook handler (see webhook_handlers) that, with the functions of this file it calls, makes
        no verification call: nothing named *verify*, no createHmac, timingSafeEqual or crypto.subtle.sign.
        PH004: in that code, an argument of a verification call or of `.update(…)` contains JSON.stringify(…)
        (directly or through a declared name): a re-serialised body. PH006: that code does not dedupe on
        webhook-id (see dedupes)."""
        for handler in self.webhook_handlers():
            code = self.reach(handler)
            calls = [c for root in code for c in self.calls(root)]
            name = self.function_name(handler)
            if not any(self.is_verification(c) for c in calls):
                self.report(handler, "PH003", f"The webhook handler {name} acts on the event without verifying its "
                                              "Standard Webhooks signature.")
            for call in calls:
                if self.is_verification(call) or _name(call.child_by_field_name("function")) == "update":
                    for argument in _arguments(call):
                        if (stringify := self.reserialised(argument, 0)) is not None:
                            self.report(stringify, "PH004", "The signature is checked over JSON.stringify(…) of "
                                                            "the parsed body, not the raw bytes PayHub signed.")
            if not self.dedupes(code):
                self.report(handler, "PH006", f"The webhook handler {name} never reads webhook-id: a redelivered "
                                              "event is processed twice.")

    def dedupes(self, code: list[Node]) -> bool:
        """Whether the webhook-id header (the string "webhook-id", any case), read directly or through a name
        declared from the read, reaches a lookup: an argument of a call (also inside a template or `+`), an
        `in` test or a subscript index. Reaching only a verification call, hmac's `.update`, a log call
        (console.*, logger.*) or string formatting does not count: that is signing or logging, not deduping."""
        reads = [n.parent for root in code for n in _walk(root)
                 if n.type == "string" and (_string(n) or "").lower() == "webhook-id" and n.parent is not None]
        reads = [r.parent if r.type == "arguments" and r.parent is not None else r for r in reads]
        names = set()
        for read in reads:
            holder = read.parent  # through `?? ""`, parentheses, await, `as`
            while holder is not None and (holder.type in ("parenthesized_expression", "await_expression",
                                                          "as_expression", "non_null_expression") or (
                    holder.type == "binary_expression" and _text(holder.child_by_field_name("operator"))  # type: ignore[arg-type]
                    in ("??", "||"))):
                holder = holder.parent
            if holder is not None and holder.type == "variable_declarator" and (
                    declared := holder.child_by_field_name("name")) is not None:
                names.add(_text(declared))
        uses = reads + [n for root in code for n in _walk(root) if n.type in ("identifier",
                                                                             "shorthand_property_identifier")
                        and _text(n) in names and not (n.parent is not None and n.parent.type == "variable_declarator"
                                                       and n.parent.child_by_field_name("name") == n)]
        for use in uses:
            child, current = use, use.parent
            while current is not None and not current.type.endswith(("statement", "declaration")) and \
                    current.type not in FUNCTIONS:
                if current.type == "call_expression" and child != current.child_by_field_name("function"):
                    callee = current.child_by_field_name("function")
                    name = _name(callee).lower()
                    logging = callee is not None and callee.type == "member_expression" and _name(
                        callee.child_by_field_name("object")) in ("console", "logger", "log")
                    if self.is_verification(current) or name == "update" or logging:
                        break
                    if name not in ("tostring", "join", "concat", "trim", "tolowercase", "from"):
                        return True
                if current.type == "binary_expression" and _text(current.child_by_field_name("operator")) == "in":  # type: ignore[arg-type]
                    return True
                if current.type == "subscript_expression" and child == current.child_by_field_name("index"):
                    return True
                child, current = current, current.parent
        return False

    def reserialised(self, node: Node, depth: int) -> Node | None:
        if depth > 5:
            return None
        for inner in _walk(node):
            if inner.type == "call_expression" and _text(inner.child_by_field_name("function")) in (  # type: ignore[arg-type]
                    "JSON.stringify",):
                return inner
            if inner.type == "identifier":
                for value in self.declared.get(_text(inner), []):
                    if (found := self.reserialised(value, depth + 1)) is not None:
                        return found
        return None

    # --- PH005 ------------------------------------------------------------------------------------------------

    def signature_like(self, node: Node | None) -> bool:
        node = _unwrap(node)
        if node is None:
            return False
        if node.type in ("identifier", "shorthand_property_identifier", "member_expression"):
            return means_signature(_name(node))
        if node.type == "subscript_expression":
            return means_signature(_string(node.child_by_field_name("index")) or "") or self.signature_like(
                node.child_by_field_name("object"))
        if node.type == "call_expression":
            callee = node.child_by_field_name("function")
            name = _name(callee)
            arguments = _arguments(node)
            if name == "digest":
                return True
            if name == "get" and arguments and means_signature(_string(arguments[0]) or ""):
                return True
            if name in ("toString", "toLowerCase", "trim") and callee is not None and \
                    callee.type == "member_expression":
                return self.signature_like(callee.child_by_field_name("object"))
        return False

    def check_signature_equality(self) -> None:
        """PH005: anywhere in the file, `a == b`, `===`, `!=` or `!==` where an operand looks like a signature
        (a name or property with the word signature/sig/digest/hmac/mac, `x["…signature"]`,
        `headers.get("…signature")`, `.digest(…)`, and `.toString()` of those) and neither operand is a literal
        (string, number, null, undefined)."""
        for node in _walk(self.root):
            if node.type != "binary_expression":
                continue
            operator = _text(node.child_by_field_name("operator"))  # type: ignore[arg-type]
            if operator not in ("==", "===", "!=", "!=="):
                continue
            operands = [_unwrap(node.child_by_field_name(f)) for f in ("left", "right")]
            if any(o is None or o.type in LITERALS or (o.type == "identifier" and _text(o) == "undefined")
                   or (o.type == "template_string" and INTERPOLATED not in (_string(o) or "")) for o in operands):
                continue
            if any(self.signature_like(o) for o in operands):
                self.report(node, "PH005", f"`{_text(node)}` compares a signature with `{operator}`, which leaks "
                                           "timing; use crypto.timingSafeEqual.")

    # --- PH007, PH008 -----------------------------------------------------------------------------------------

    def is_browser_code(self) -> bool:
        """A file that runs in a browser: .jsx/.tsx, under public/, static/ or src/components/, or one that
        uses `document` or `window`."""
        return is_browser_path(self.path) or any(
            n.type == "identifier" and _text(n) in ("document", "window") for n in _walk(self.root))

    def check_secret_keys(self) -> None:
        """PH007: in browser code (see is_browser_code), a string literal holding a PayHub secret key, or an
        environment variable read `process.env.X` / `import.meta.env.X` whose name says PAYHUB and KEY/SECRET
        (bundlers inline them into the bundle). PH008: elsewhere, a string literal holding a secret key
        (phk_admin_… / phk_payments_… / phk_read_… with at least 16 key characters)."""
        browser = self.is_browser_code()
        for node in _walk(self.root):
            if node.type in ("string", "template_string"):
                value = _string(node) or ""
                if (match := SECRET_KEY.search(value)) is not None:
                    scope = match.group(1)
                    if browser:
                        self.report(node, "PH007", f"A secret API key (phk_{scope}_…) is in code that runs "
                                                   "in the browser: anyone can read it.")
                    else:
                        self.report(node, "PH008", f"A secret API key (phk_{scope}_…) is committed in source.")
            elif browser and (env := self.env_name(node)) is not None and is_secret_env_name(env):
                self.report(node, "PH007", f"`{_text(node)}` is inlined into the browser bundle: the secret key "
                                           "is public.")

    def env_name(self, node: Node) -> str | None:
        """X of process.env.X, process.env["X"], import.meta.env.X, Deno.env.get("X")."""
        if node.type in ("member_expression", "subscript_expression"):
            obj = node.child_by_field_name("object")
            if obj is not None and _text(obj).replace(" ", "") in ("process.env", "import.meta.env"):
                return _name(node) if node.type == "member_expression" else _string(node.child_by_field_name("index"))
        if node.type == "call_expression" and _text(node.child_by_field_name("function")) == "Deno.env.get":  # type: ignore[arg-type]
            arguments = _arguments(node)
            return _string(arguments[0]) if arguments else None
        return None

    # --- PH009 ------------------------------------------------------------------------------------------------

    def check_retries(self) -> None:
        """PH009: a loop (for, for…of/in, while, do) that makes an HTTP request (see http_call) and sleeps
        (setTimeout, sleep(…), delay(…), wait(…), also inside `new Promise(…)`) inside a `catch` or an `if`
        whose condition reads a status (`.status`, `.ok`, `.statusCode`): a retry on failure. Reported when
        neither the enclosing function (with the functions of this file it calls) nor the loop mentions
        "Retry-After"."""
        for loop in (n for n in _walk(self.root) if n.type in LOOPS):
            body = list(_walk(loop))
            if not any(self.http_call(n) for n in body if n.type == "call_expression"):
                continue
            if not any(n.type == "call_expression" and _name(n.child_by_field_name("function")).lower() in SLEEPS
                       and self.on_failure(n, loop) for n in body):
                continue
            enclosing = loop.parent
            while enclosing is not None and enclosing.type not in FUNCTIONS:
                enclosing = enclosing.parent
            if "retry-after" not in self.strings([loop, *self.reach(enclosing or self.root)]):
                self.report(loop, "PH009", "This loop retries a request on failure on its own schedule, without "
                                           "reading Retry-After: a 429 is retried too early.")

    def on_failure(self, node: Node, loop: Node) -> bool:
        current = node.parent
        while current is not None and current != loop:
            if current.type == "catch_clause":
                return True
            if current.type == "if_statement":
                condition = current.child_by_field_name("condition")
                if condition is not None and any(_name(n) in STATUS_NAMES for n in _walk(condition)
                                                 if n.type in ("member_expression", "identifier")):
                    return True
            current = current.parent
        return False

    # --- PH010 ------------------------------------------------------------------------------------------------

    def fulfils(self, statements: list[Node]) -> bool:
        """A call named like fulfilment (fulfilOrder, ship, markPaid, sendReceipt, …), an assignment to a target
        named *paid* or of "paid"/"fulfilled"/"complete(d)" to a `status`, or an object key named *paid*."""
        for node in (n for s in statements for n in _walk(s)):
            if node.type == "call_expression" and means_fulfilment(_name(node.child_by_field_name("function"))):
                return True
            if node.type == "assignment_expression":
                target = _name(node.child_by_field_name("left"))
                if "paid" in words(target) or ("status" in words(target) and (
                        _string(node.child_by_field_name("right")) or "") in PAID_STATUSES):
                    return True
            if node.type == "pair" and "paid" in words(_name(node.child_by_field_name("key"))):
                return True
        return False

    def check_requires_capture(self) -> None:
        """PH010: (a) an array literal holding "requires_capture" together with a success status ("captured",
        "succeeded", "paid", "completed") whose `.includes(…)` (or a `new Set([…])`'s `.has(…)`) is called: an
        authorization counted as success. (b) `x === "requires_capture"` (or ==, or (a)'s includes without a
        success status) as (part of) an `if` condition whose consequence fulfils (see fulfils), or returned by
        a function named like paid/fulfil. (c) `case "requires_capture":` whose body, or the body it falls
        through to, fulfils."""
        for node in _walk(self.root):
            if node.type == "call_expression" and _name(node.child_by_field_name("function")) in ("includes", "has"):
                callee = node.child_by_field_name("function")
                collection = self.collection(callee.child_by_field_name("object") if callee is not None else None)
                if "requires_capture" not in collection:
                    continue
                if collection & SUCCESS_STATUSES:
                    self.report(node, "PH010", f"`{_text(node)}` counts an authorization (requires_capture) as a "
                                               "successful payment.")
                else:
                    self.check_guarded(node)
            elif node.type == "binary_expression" and _text(node.child_by_field_name("operator")) in (  # type: ignore[arg-type]
                    "==", "==="):
                if "requires_capture" in {_string(node.child_by_field_name(f)) for f in ("left", "right")}:
                    self.check_guarded(node)
            elif node.type == "switch_case" and _string(node.child_by_field_name("value")) == "requires_capture":
                case: Node | None = node
                while case is not None and case.type == "switch_case" and not case.children_by_field_name("body"):
                    case = case.next_named_sibling
                if case is not None and self.fulfils(case.children_by_field_name("body")):
                    self.report(node, "PH010", "The order is fulfilled on requires_capture: the payment is only "
                                               "authorized, not captured.")

    def collection(self, node: Node | None) -> set[str]:
        node = _unwrap(node)
        if node is not None and node.type == "identifier":
            values = self.declared.get(_text(node), [])
            node = _unwrap(values[0]) if len(values) == 1 else None
        if node is not None and node.type == "new_expression" and _arguments(node):
            node = _unwrap(_arguments(node)[0])
        if node is None or node.type != "array":
            return set()
        return {s for e in node.named_children if (s := _string(e)) is not None}

    def check_guarded(self, test: Node) -> None:
        enclosing = test.parent
        while enclosing is not None and (enclosing.type in ("parenthesized_expression", "unary_expression") or (
                enclosing.type == "binary_expression" and _text(enclosing.child_by_field_name("operator"))  # type: ignore[arg-type]
                in ("&&", "||"))):
            enclosing = enclosing.parent
        if enclosing is not None and enclosing.type == "if_statement":
            consequence = enclosing.child_by_field_name("consequence")
            if consequence is not None and self.fulfils([consequence]):
                self.report(test, "PH010", "The order is fulfilled on requires_capture: the payment is only "
                                           "authorized, not captured.")
        elif enclosing is not None and enclosing.type in ("return_statement", "arrow_function"):
            function = enclosing if enclosing.type == "arrow_function" else enclosing.parent
            while function is not None and function.type not in FUNCTIONS:
                function = function.parent
            if function is not None and means_fulfilment(self.function_name(function)):
                self.report(test, "PH010", "requires_capture is reported as paid: the payment is only "
                                           "authorized, not captured.")

    # --- PH011 ------------------------------------------------------------------------------------------------

    def check_admin_key(self) -> None:
        """PH011: an admin key (an environment variable named *ADMIN*: process.env.X, import.meta.env.X,
        Deno.env.get("X")) whose every use is a PayHub call a payments key may make. Uses are followed by name
        through declarations and assignments (a key → headers → a client such as axios.create(…) → its calls);
        an HTTP call (see http_call) that mentions a tainted name is a use. Reported at the read when there is
        at least one use and every use has a known method and PayHub URL within PAYMENTS_SCOPE."""
        sources = [n for n in _walk(self.root) if (env := self.env_name(n)) is not None and is_admin_name(env)]
        for source in sources:
            tainted: set[str] = set()
            changed = True
            while changed:
                changed = False
                for node in _walk(self.root):
                    target: Node | None = None
                    if node.type == "variable_declarator":
                        value = node.child_by_field_name("value")
                        if value is not None and self.carries(value, source, tainted):
                            target = node.child_by_field_name("name")
                    elif node.type == "assignment_expression":
                        right = node.child_by_field_name("right")
                        if right is not None and self.carries(right, source, tainted):
                            target = node.child_by_field_name("left")
                    name = _name(target) if target is not None else ""
                    if name and name not in tainted:
                        tainted.add(name)
                        changed = True
            uses = [(c, h) for c in self.calls(self.root) if (h := self.http_call(c)) is not None
                    and self.carries(c, source, tainted)]
            if not uses:
                continue
            scoped = []
            for _, http in uses:
                segments = payhub_path(self.text(http.url))
                scoped.append(http.method is not None and segments is not None
                              and payments_scope_suffices(http.method, segments))
            if all(scoped):
                self.report(source, "PH011", "An admin key is used only for payment calls "
                                             f"({len(uses)} here) that a payments-scope key can make.")

    def carries(self, node: Node, source: Node, tainted: set[str]) -> bool:
        for n in _walk(node):
            if n == source:
                return True
            if n.type in ("identifier", "shorthand_property_identifier") and _text(n) in tainted:
                return True
            if n.type == "member_expression" and _name(n) in tainted:
                return True
        return False
