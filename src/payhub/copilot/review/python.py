"""The integration review of Python code, on the standard library's `ast`. Names are resolved within a function,
then the module (the assignments to a plain name there); a value that cannot be resolved counts as unknown, and
an unknown never produces a finding."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from payhub.copilot.review.rules import (
    INTERPOLATED,
    PAID_STATUSES,
    SECRET_KEY,
    SUCCESS_STATUSES,
    Finding,
    is_admin_name,
    means_fulfilment,
    means_signature,
    payhub_path,
    payments_scope_suffices,
    words,
)

Scope = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
HTTP_VERBS = ("get", "post", "put", "patch", "delete")
HTTP_CLIENT_WORDS = frozenset({"client", "session", "http", "api", "requests", "httpx", "payhub", "aiohttp"})
SLEEPS = frozenset({"sleep"})
RETRY_DECORATORS = frozenset({"retry", "on_exception", "on_predicate"})
ROUTE_DECORATORS = frozenset({"post", "route", "api_route"})
REQUEST_PARAMS = frozenset({"request", "req"})
LOG_CALLS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "msg"})
FORMATTING_CALLS = frozenset({"encode", "decode", "format", "join", "str", "bytes", "strip", "lower"})
STATUS_NAMES = frozenset({"status_code", "status", "ok", "is_success", "is_error", "is_server_error"})


def review(path: str, source: str) -> list[Finding]:
    """Every finding in one Python file (raises SyntaxError when the file does not parse)."""
    return _Review(path, source).run()


def _name(node: ast.AST) -> str | None:
    """The name a callee, target or operand goes by: `x` → x, `a.b.c` → c."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else "?"


def _constant_str(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _walk_local(node: ast.AST) -> Iterator[ast.AST]:
    """ast.walk without descending into nested functions or classes (their code runs elsewhere)."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        yield child
        if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(child))


class _Review:
    def __init__(self, path: str, source: str) -> None:
        self.path = path
        self.lines = source.splitlines()
        self.tree = ast.parse(source)
        self.parent: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parent[child] = node
        self.assigned: dict[tuple[int, str], list[ast.expr]] = {}  # (id of the scope, name) → values
        self.subscript_keys: dict[tuple[int, str], set[str]] = {}  # headers["Idempotency-Key"] = … in a scope
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    self._record(target, node.value)
            elif isinstance(node, ast.NamedExpr):
                self._record(node.target, node.value)
        self.functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self.functions.setdefault(node.name, []).append(node)
        self.findings: list[Finding] = []

    def _record(self, target: ast.AST, value: ast.expr) -> None:
        scope = id(self.scope_of(target))
        if isinstance(target, ast.Name):
            self.assigned.setdefault((scope, target.id), []).append(value)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            key = _constant_str(target.slice)
            if key is not None:
                self.subscript_keys.setdefault((scope, target.value.id), set()).add(key.lower())
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:  # a, b = …: each name is unknown (no value recorded)
                if isinstance(element, ast.Name):
                    self.assigned.setdefault((scope, element.id), [])

    def run(self) -> list[Finding]:
        for check in (self.check_idempotency, self.check_float_money, self.check_webhooks,
                      self.check_signature_equality, self.check_secret_keys, self.check_retries,
                      self.check_requires_capture, self.check_admin_key):
            check()
        return self.findings

    # --- helpers ---------------------------------------------------------------------------------------------

    def report(self, node: ast.AST, rule: str, message: str) -> None:
        line = getattr(node, "lineno", 1)
        offset = getattr(node, "col_offset", 0)
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        column = len(text.encode()[:offset].decode(errors="ignore")) + 1  # ast counts UTF-8 bytes
        self.findings.append(Finding(self.path, line, column, rule, message))

    def scope_of(self, node: ast.AST) -> Scope:
        current = self.parent.get(node)
        while current is not None and not isinstance(current, Scope):
            current = self.parent.get(current)
        return current if current is not None else self.tree

    def values(self, name: ast.Name) -> list[ast.expr] | None:
        """What a name was assigned, in its function or else the module; None when unknown (a parameter, an
        import, a loop variable, a tuple unpacking)."""
        scope: ast.AST | None = self.scope_of(name)
        while scope is not None:
            found = self.assigned.get((id(scope), name.id))
            if found is not None:
                return found or None
            if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                arguments = scope.args
                if any(a.arg == name.id for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)):
                    return None
            scope = None if scope is self.tree else self.scope_of(scope)
        return None

    def text(self, node: ast.AST, depth: int = 0) -> str | None:
        """The literal text of a string expression, with "{}" for what is interpolated; None when unknown."""
        if depth > 5:
            return None
        if (value := _constant_str(node)) is not None:
            return value
        if isinstance(node, ast.JoinedStr):
            return "".join(_constant_str(p) or INTERPOLATED for p in node.values)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.text(node.left, depth + 1), self.text(node.right, depth + 1)
            return None if left is None and right is None else (left or INTERPOLATED) + (right or INTERPOLATED)
        if isinstance(node, ast.Name) and (found := self.values(node)) and len(found) == 1:
            return self.text(found[0], depth + 1)
        return None

    def http_call(self, call: ast.Call) -> tuple[str, ast.expr | None] | None:
        """(method, URL expression) of an HTTP request: `x.post(url, …)`, `x.request("POST", url, …)`,
        `requests.get(url)`; `.get`/`.delete` only on a receiver named like a client (not dict.get)."""
        func = call.func
        if not isinstance(func, ast.Attribute):
            return None
        url = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "url"), None)
        if func.attr in ("post", "put", "patch"):
            return func.attr.upper(), url
        if func.attr in ("get", "delete"):
            receiver = _name(func.value) or ""
            return (func.attr.upper(), url) if set(words(receiver)) & HTTP_CLIENT_WORDS else None
        if func.attr in ("request", "stream") and call.args and (method := _constant_str(call.args[0])):
            second = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "url"),
                                                                  None)
            return method.upper(), second
        return None

    def calls(self, root: ast.AST) -> Iterator[ast.Call]:
        return (n for n in ast.walk(root) if isinstance(n, ast.Call))

    # --- PH001 ------------------------------------------------------------------------------------------------

    def check_idempotency(self) -> None:
        """PH001: a call `x.post(URL, …)` or `x.request("POST", URL, …)` whose URL's literal text is a PayHub
        path (/v1/<PayHub resource>), with no `headers=` or with headers that resolve to a dict without an
        Idempotency-Key (case-insensitive; dict literals, `**` spreads, `h["…"] = …` in the same scope, and
        functions of this file that return one). Headers that cannot be resolved are not reported."""
        for call in self.calls(self.tree):
            found = self.http_call(call)
            if found is None or found[0] != "POST" or found[1] is None:
                continue
            segments = payhub_path(self.text(found[1]))
            if segments is None:
                continue
            headers = next((k.value for k in call.keywords if k.arg == "headers"), None)
            has_key = False if headers is None else self.has_header(headers, "idempotency-key", 0)
            if has_key is False:
                self.report(call, "PH001", f"POST /v1/{'/'.join(segments)} is sent without an Idempotency-Key "
                                           "header: a retry can repeat the payment.")

    def has_header(self, node: ast.AST, header: str, depth: int) -> bool | None:
        if depth > 6:
            return None
        if isinstance(node, ast.Dict):
            unknown = False
            for key, value in zip(node.keys, node.values, strict=True):
                if key is None:  # {**base, …}
                    inner = self.has_header(value, header, depth + 1)
                    if inner:
                        return True
                    unknown = unknown or inner is None
                elif (name := _constant_str(key)) is not None and name.lower() == header:
                    return True
                elif name is None:
                    unknown = True
            return None if unknown else False
        if isinstance(node, ast.Name):
            if header in self.subscript_keys.get((id(self.scope_of(node)), node.id), set()):
                return True
            if self.updated_with(node, header):
                return True
            found = self.values(node)
            if not found:
                return None
            answers = [self.has_header(v, header, depth + 1) for v in found]
            return True if any(answers) else (None if None in answers else False)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "dict":
                return None if node.args else False  # dict(a=…) cannot spell a header with a dash
            returns = [r.value for f in self.functions.get(node.func.id, []) for r in _walk_local(f)
                       if isinstance(r, ast.Return) and r.value is not None]
            if returns:
                answers = [self.has_header(r, header, depth + 1) for r in returns]
                return True if any(answers) else (None if None in answers else False)
        return None

    def updated_with(self, name: ast.Name, header: str) -> bool:
        """`headers.update({…header…})` or `headers.setdefault("header", …)` in the name's scope."""
        for call in self.calls(self.scope_of(name)):
            func = call.func
            if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == name.id
                    and func.attr in ("update", "setdefault") and call.args):
                first = call.args[0]
                if (_constant_str(first) or "").lower() == header or (
                        isinstance(first, ast.Dict) and self.has_header(first, header, 5)):
                    return True
        return False

    # --- PH002 ------------------------------------------------------------------------------------------------

    def check_float_money(self) -> None:
        """PH002: a float flowing into an amount: the value of a dict key, keyword argument or subscript target
        whose name ends in `amount` (amount, max_amount, …) is a float literal, float(…), a true division `/`,
        round(x, n) with n ≥ 1, arithmetic with any of those, or a local name assigned one. int(…) and round(x)
        end the float."""
        for node in ast.walk(self.tree):
            pairs: list[tuple[str, ast.expr]] = []
            if isinstance(node, ast.Dict):
                pairs = [(name, v) for k, v in zip(node.keys, node.values, strict=True)
                         if k is not None and (name := _constant_str(k)) is not None]
            elif isinstance(node, ast.Call):
                pairs = [(k.arg, k.value) for k in node.keywords if k.arg]
            elif isinstance(node, ast.Assign):
                pairs = [(key, node.value) for t in node.targets if isinstance(t, ast.Subscript)
                         and (key := _constant_str(t.slice)) is not None]
            for field_name, value in pairs:
                if field_name.lower().endswith("amount") and self.is_float(value, 0):
                    self.report(value, "PH002", f"`{field_name}` gets a float "
                                                f"(`{ast.unparse(value)}`): PayHub takes integer minor units.")

    def is_float(self, node: ast.AST, depth: int) -> bool:
        if depth > 6:
            return False
        if isinstance(node, ast.Constant):
            return isinstance(node.value, float)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "float":
                return True
            if node.func.id == "round" and len(node.args) == 2:
                ndigits = node.args[1]
                return isinstance(ndigits, ast.Constant) and isinstance(ndigits.value, int) and ndigits.value > 0
            return False
        if isinstance(node, ast.BinOp):
            return isinstance(node.op, ast.Div) or self.is_float(node.left, depth + 1) or self.is_float(
                node.right, depth + 1)
        if isinstance(node, ast.UnaryOp):
            return self.is_float(node.operand, depth + 1)
        if isinstance(node, ast.IfExp):
            return self.is_float(node.body, depth + 1) or self.is_float(node.orelse, depth + 1)
        if isinstance(node, ast.Name):
            return any(self.is_float(v, depth + 1) for v in self.values(node) or [])
        return False

    # --- PH003, PH004, PH006 ----------------------------------------------------------------------------------

    def webhook_handlers(self) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
        """An HTTP handler whose route path or function name says webhook: decorated `@x.post(path)`,
        `@x.route(path, …)` or `@x.api_route(path, …)`, or (Django) a function whose first parameter is
        `request`/`req`. Functions whose name says they verify or sign are helpers, not handlers."""
        for function in (f for fs in self.functions.values() for f in fs):
            name_words = words(function.name)
            if {"verify", "sign", "signature"} & set(name_words):
                continue
            routes = [d for d in function.decorator_list if isinstance(d, ast.Call)
                      and isinstance(d.func, ast.Attribute) and d.func.attr in ROUTE_DECORATORS]
            path = " ".join(self.text(d.args[0]) or "" for d in routes if d.args)
            params = function.args.posonlyargs + function.args.args
            is_handler = bool(routes) or bool(params and params[0].arg in REQUEST_PARAMS)
            if is_handler and ("webhook" in name_words or "webhook" in path.lower()):
                yield function

    def reach(self, function: ast.AST) -> list[ast.AST]:
        """A function and, transitively, the functions of this file it calls by name."""
        seen: dict[int, ast.AST] = {id(function): function}
        stack = [function]
        while stack:
            for call in self.calls(stack.pop()):
                for callee in self.functions.get(_name(call.func) or "", []):
                    if id(callee) not in seen:
                        seen[id(callee)] = callee
                        stack.append(callee)
        return list(seen.values())

    @staticmethod
    def is_verification(call: ast.Call) -> bool:
        name = (_name(call.func) or "").lower()
        return "verify" in name or _dotted(call.func) in ("hmac.new", "hmac.digest", "hmac.compare_digest") \
            or name == "compare_digest"

    def check_webhooks(self) -> None:
        """PH003: a webhook handler (see webhook_handlers) that, with the functions of this file it calls, makes
        no verification call: nothing named *verify*, no hmac.new / hmac.digest / compare_digest.
        PH004: in that code, the message given to a verification call (any argument of a *verify* call,
        hmac.new / hmac.digest, or `.update(…)`) contains json.dumps(…) (directly or through a local name).
        PH006: that code does not dedupe on webhook-id (see dedupes)."""
        for handler in self.webhook_handlers():
            code = self.reach(handler)
            calls = [c for root in code for c in self.calls(root)]
            if not any(self.is_verification(c) for c in calls):
                self.report(handler, "PH003", f"Webhook handler `{handler.name}` acts on the event without "
                                              "verifying its Standard Webhooks signature.")
            for call in calls:
                if self.is_verification(call) or (_name(call.func) == "update" and isinstance(call.func,
                                                                                                 ast.Attribute)):
                    for argument in [*call.args, *(k.value for k in call.keywords)]:
                        if (dumps := self.reserialised(argument, 0)) is not None:
                            self.report(dumps, "PH004", "The signature is checked over json.dumps(…) of the "
                                                        "parsed body, not the raw bytes PayHub signed.")
            if not self.dedupes(code):
                self.report(handler, "PH006", f"Webhook handler `{handler.name}` never reads webhook-id: "
                                              "a redelivered event is processed twice.")

    def dedupes(self, code: list[ast.AST]) -> bool:
        """Whether the webhook-id header (the string "webhook-id", any case, or Django's "HTTP_WEBHOOK_ID"),
        read directly or through a name assigned from the read, reaches a lookup: an argument of a call (also
        inside an f-string or `+`), an `in` test or a subscript index. Reaching only a verification call, hmac's
        `.update`, a log call or string formatting does not count: that is signing or logging, not deduping."""
        reads = [self.parent[n] for root in code for n in ast.walk(root)
                 if (_constant_str(n) or "").lower() in ("webhook-id", "http_webhook_id") and n in self.parent]
        names = set()
        for read in reads:
            holder = self.parent.get(read)  # through `or ""`, await
            while isinstance(holder, ast.BoolOp | ast.Await):
                holder = self.parent.get(holder)
            if isinstance(holder, ast.Assign | ast.AnnAssign):
                targets = holder.targets if isinstance(holder, ast.Assign) else [holder.target]
                names |= {t.id for t in targets if isinstance(t, ast.Name)}
        uses = reads + [n for root in code for n in ast.walk(root)
                        if isinstance(n, ast.Name) and n.id in names and isinstance(n.ctx, ast.Load)]
        for use in uses:
            child, current = use, self.parent.get(use)
            while current is not None and not isinstance(current, ast.stmt):
                if isinstance(current, ast.Call) and child is not current.func:
                    callee = (_name(current.func) or "").lower()
                    if self.is_verification(current) or callee in ("update", "print") or callee in LOG_CALLS:
                        break
                    if callee not in FORMATTING_CALLS:
                        return True
                if isinstance(current, ast.Compare) and any(isinstance(o, ast.In | ast.NotIn) for o in current.ops):
                    return True
                if isinstance(current, ast.Subscript) and child is current.slice:
                    return True
                child, current = current, self.parent.get(current)
        return False

    def reserialised(self, node: ast.AST, depth: int) -> ast.Call | None:
        if depth > 5:
            return None
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call) and _dotted(inner.func) in ("json.dumps", "dumps", "orjson.dumps"):
                return inner
            if isinstance(inner, ast.Name):
                for value in self.values(inner) or []:
                    if (found := self.reserialised(value, depth + 1)) is not None:
                        return found
        return None

    # --- PH005 ------------------------------------------------------------------------------------------------

    def signature_like(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Name | ast.Attribute):
            return means_signature(_name(node) or "")
        if isinstance(node, ast.Subscript):
            return means_signature(_constant_str(node.slice) or "") or self.signature_like(node.value)
        if isinstance(node, ast.Call):
            callee = _name(node.func) or ""
            first = _constant_str(node.args[0]) if node.args else None
            return callee in ("hexdigest", "digest", "b64encode") or (
                callee == "get" and first is not None and means_signature(first))
        return False

    def check_signature_equality(self) -> None:
        """PH005: anywhere in the file, `a == b` or `a != b` where an operand looks like a signature (a name or
        attribute with the word signature/sig/digest/hmac/mac, `x["…signature"]`, `headers.get("…signature")`,
        `.hexdigest()`, `.digest()`, `b64encode(…)`) and neither operand is a literal (an emptiness check)."""
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Compare) or len(node.ops) != 1 or not isinstance(node.ops[0],
                                                                                         ast.Eq | ast.NotEq):
                continue
            operands = (node.left, node.comparators[0])
            if any(isinstance(o, ast.Constant) for o in operands):
                continue
            if any(self.signature_like(o) for o in operands):
                self.report(node, "PH005", f"`{ast.unparse(node)}` compares a signature with "
                                           f"`{'==' if isinstance(node.ops[0], ast.Eq) else '!='}`, which leaks "
                                           "timing; use hmac.compare_digest.")

    # --- PH008 ------------------------------------------------------------------------------------------------

    def check_secret_keys(self) -> None:
        """PH008: a string literal holding a PayHub secret key (phk_admin_… / phk_payments_… / phk_read_…
        followed by at least 16 key characters; elided examples like "phk_admin_..." do not match). Python code is
        never shipped to a browser, so PH007 does not apply."""
        for node in ast.walk(self.tree):
            value = _constant_str(node)
            if value is not None and (match := SECRET_KEY.search(value)):
                self.report(node, "PH008", f"A secret API key (phk_{match.group(1)}_…, scope {match.group(1)}) "
                                           "is committed in source.")

    # --- PH009 ------------------------------------------------------------------------------------------------

    def mentions_retry_after(self, roots: list[ast.AST]) -> bool:
        return any((_constant_str(n) or "").lower() == "retry-after" for r in roots for n in ast.walk(r))

    def is_sleep(self, call: ast.Call) -> bool:
        return (_name(call.func) or "") in SLEEPS

    def check_retries(self) -> None:
        """PH009: (a) a loop (for/while) whose body makes an HTTP request (see http_call) and sleeps (time.sleep,
        asyncio.sleep, any `sleep(…)`) inside an `except` handler or an `if` testing a status (status_code,
        status, ok, is_success, is_error): a retry on failure; reported when neither the enclosing function
        (with the functions of this file it calls) nor the loop mentions "Retry-After". (b) A function
        decorated with a retry decorator (tenacity's retry, backoff's on_exception/on_predicate) that makes an
        HTTP request, when neither it, the decorator's arguments nor the functions they name mention
        "Retry-After"."""
        for loop in (n for n in ast.walk(self.tree) if isinstance(n, ast.For | ast.AsyncFor | ast.While)):
            body = [n for n in _walk_local(loop)]
            if not any(isinstance(n, ast.Call) and self.http_call(n) for n in body):
                continue
            if not any(isinstance(n, ast.Call) and self.is_sleep(n) and self.on_failure(n, loop) for n in body):
                continue
            if not self.mentions_retry_after(self.reach(self.scope_of(loop))):
                self.report(loop, "PH009", "This loop retries a request on failure on its own schedule, without "
                                           "reading Retry-After: a 429 is retried too early.")
        for function in (f for fs in self.functions.values() for f in fs):
            decorators = [d for d in function.decorator_list
                          if _name(d.func if isinstance(d, ast.Call) else d) in RETRY_DECORATORS]
            if not decorators or not any(self.http_call(c) for c in self.calls(function)):
                continue
            named = [f for d in decorators for n in ast.walk(d) if isinstance(n, ast.Name)
                     for f in self.functions.get(n.id, [])]
            if not self.mentions_retry_after([*self.reach(function), *decorators, *named]):
                self.report(function, "PH009", f"`{function.name}` is retried by a decorator that ignores "
                                               "Retry-After: a 429 is retried on the decorator's schedule.")

    def on_failure(self, node: ast.AST, loop: ast.AST) -> bool:
        current = self.parent.get(node)
        while current is not None and current is not loop:
            if isinstance(current, ast.ExceptHandler):
                return True
            if isinstance(current, ast.If) and any(
                    (_name(n) or "") in STATUS_NAMES for n in ast.walk(current.test)):
                return True
            current = self.parent.get(current)
        return False

    # --- PH010 ------------------------------------------------------------------------------------------------

    def fulfils(self, statements: list[ast.stmt]) -> bool:
        """A call named like fulfilment (fulfil_order, ship, mark_paid, send_receipt, …) or an assignment to a
        target named *paid* or of "paid"/"fulfilled"/"complete(d)" to a `status`."""
        for statement in statements:
            for node in [statement, *_walk_local(statement)]:
                if isinstance(node, ast.Call) and means_fulfilment(_name(node.func) or ""):
                    return True
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        name = _name(target) or _constant_str(getattr(target, "slice", None) or ast.Pass()) or ""
                        if "paid" in words(name):
                            return True
                        if "status" in words(name) and (_constant_str(node.value) or "") in PAID_STATUSES:
                            return True
        return False

    def check_requires_capture(self) -> None:
        """PH010: (a) `x in (…)` (tuple, list or set literal) holding "requires_capture" together with a success
        status ("captured", "succeeded", "paid", "completed"): an authorization counted as success. (b) `x ==
        "requires_capture"` or `x in (…"requires_capture"…)` as (part of) an `if` test whose body fulfils (see
        fulfils). (c) such a comparison returned by a function named like paid/fulfil (`def is_paid`)."""
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Compare) or len(node.ops) != 1:
                continue
            op, right = node.ops[0], node.comparators[0]
            literals: set[str] = set()
            if isinstance(op, ast.In | ast.NotIn) and isinstance(right, ast.Tuple | ast.List | ast.Set):
                literals = {s for e in right.elts if (s := _constant_str(e)) is not None}
            elif isinstance(op, ast.Eq):
                literals = {s for o in (node.left, right) if (s := _constant_str(o)) is not None}
            if "requires_capture" not in literals or isinstance(op, ast.NotIn):
                continue
            if isinstance(op, ast.In) and literals & SUCCESS_STATUSES:
                self.report(node, "PH010", f"`{ast.unparse(node)}` counts an authorization (requires_capture) "
                                           "as a successful payment.")
                continue
            enclosing = self.parent.get(node)
            while isinstance(enclosing, ast.BoolOp | ast.UnaryOp):
                enclosing = self.parent.get(enclosing)
            if isinstance(enclosing, ast.If) and self.fulfils(enclosing.body):
                self.report(node, "PH010", "The order is fulfilled on requires_capture: the payment is only "
                                           "authorized, not captured.")
            elif isinstance(enclosing, ast.Return) and means_fulfilment(getattr(self.scope_of(node), "name", "")):
                self.report(node, "PH010", "requires_capture is reported as paid: the payment is only "
                                           "authorized, not captured.")

    # --- PH011 ------------------------------------------------------------------------------------------------

    def admin_sources(self) -> list[ast.AST]:
        """Reads of an environment variable named *ADMIN* (os.environ[…], os.environ.get(…), os.getenv(…))."""
        out: list[ast.AST] = []
        for node in ast.walk(self.tree):
            env: str | None = None
            if isinstance(node, ast.Subscript) and _dotted(node.value).endswith("environ"):
                env = _constant_str(node.slice)
            elif isinstance(node, ast.Call) and node.args and (
                    _dotted(node.func).endswith("environ.get") or _name(node.func) == "getenv"):
                env = _constant_str(node.args[0])
            if env is not None and is_admin_name(env):
                out.append(node)
        return out

    def check_admin_key(self) -> None:
        """PH011: an admin key (an environment variable named *ADMIN*, see admin_sources) whose every use is a
        PayHub call a payments key may make. Uses are followed by name through assignments (a key → a headers
        dict → a client → its calls; `self.client = …` counts by attribute name); an HTTP call that mentions a
        tainted name is a use. Reported at the read of the variable when there is at least one use, every use's
        URL is a known PayHub path, and each is in PAYMENTS_SCOPE. A use whose URL cannot be resolved, or that is
        not an HTTP call we recognise, means no finding."""
        for source in self.admin_sources():
            tainted: set[str] = set()
            changed = True
            while changed:
                changed = False
                for node in ast.walk(self.tree):
                    targets: list[ast.AST] = []
                    if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                        if self.carries(node.value, source, tainted):
                            targets = list(node.targets) if isinstance(node, ast.Assign) else [node.target]
                    elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                        if self.carries(node.context_expr, source, tainted):
                            targets = [node.optional_vars]
                    for target in targets:
                        name = _name(target)
                        if name is not None and name not in tainted:
                            tainted.add(name)
                            changed = True
            uses = [c for c in self.calls(self.tree) if self.http_call(c) and self.carries(c, source, tainted)]
            if not uses:
                continue
            scoped = []
            for call in uses:
                method, url = self.http_call(call) or ("", None)
                segments = payhub_path(self.text(url)) if url is not None else None
                scoped.append(segments is not None and payments_scope_suffices(method, segments))
            if all(scoped):
                self.report(source, "PH011", "An admin key is used only for payment calls "
                                             f"({len(uses)} here) that a payments-scope key can make.")

    def carries(self, node: ast.AST, source: ast.AST, tainted: set[str]) -> bool:
        return any(n is source or (isinstance(n, ast.Name | ast.Attribute) and _name(n) in tainted)
                   for n in ast.walk(node))

