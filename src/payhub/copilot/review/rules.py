"""The integration review's rules and findings, and the facts about PayHub's API they rest on (which paths are
PayHub's, which operations a `payments` key may call, what a secret key looks like). Language-neutral: the
Python and JavaScript analysers (review.python, review.javascript) decide where a rule applies; this module says
what each rule means and how a finding reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Rule:
    id: str
    name: str  # a stable kebab-case name, SARIF's reportingDescriptor.name
    title: str
    why: str
    fix: str
    level: str  # SARIF level: "error" (money or security is at risk) or "warning"


RULES: dict[str, Rule] = {rule.id: rule for rule in (
    Rule("PH001", "post-without-idempotency-key", "POST to PayHub without an Idempotency-Key header",
         "A retried POST without Idempotency-Key (after a timeout or a dropped connection) can pay or refund twice; "
         "with one, PayHub replays the stored response instead.",
         "Send `Idempotency-Key: <a fresh UUID per logical operation>` on every POST, and reuse the same key when "
         "retrying that operation.", "error"),
    Rule("PH002", "float-money", "Money as a float",
         "PayHub takes amounts as integers in minor units ({\"amount\": 1250, \"currency\": \"USD\"}); floats are "
         "refused, and float arithmetic rounds 0.1 + 0.2 to 0.30000000000000004.",
         "Keep money as an integer count of minor units (cents) end to end; parse user input with a decimal type "
         "and convert once, e.g. int(Decimal(text) * 100) or Math.round(Number(text) * 100) for display input.",
         "error"),
    Rule("PH003", "webhook-not-verified", "Webhook handler does not verify the signature",
         "Anyone who knows the URL can post a forged payment.completed; only the Standard Webhooks signature "
         "(webhook-id, webhook-timestamp, webhook-signature) proves PayHub sent it.",
         "Verify before acting: `Webhook(secret).verify(raw_body, headers)` (standardwebhooks), or an HMAC-SHA256 "
         "of `id.timestamp.body` with the whsec_ secret, compared in constant time.", "error"),
    Rule("PH004", "webhook-reserialised-body", "Webhook signature verified over a re-serialised body",
         "The signature covers the exact bytes PayHub sent; parsing and re-serialising the JSON changes spacing "
         "and key order, so genuine deliveries fail verification (and handlers get 'fixed' by removing it).",
         "Verify the raw request body as received: `await request.body()` (FastAPI), `request.get_data()` (Flask), "
         "`request.body` (Django), `express.raw({type: 'application/json'})` then `req.body` (Express).", "error"),
    Rule("PH005", "webhook-signature-equality", "Signature compared with == instead of in constant time",
         "`==`/`===` stops at the first differing byte, so response timing leaks how much of a forged signature "
         "is right.",
         "Compare with `hmac.compare_digest(a, b)` (Python) or `crypto.timingSafeEqual(a, b)` on equal-length "
         "buffers (Node), or let the standardwebhooks package verify.", "error"),
    Rule("PH006", "webhook-no-dedupe", "Webhook handler does not dedupe on webhook-id",
         "Delivery is at least once: the same event can arrive again (a retry after a timeout, a replay), and "
         "a handler without deduplication fulfils an order or sends a receipt twice.",
         "Read the `webhook-id` header and skip an id already processed (a unique constraint or a set with a "
         "TTL of a few days), recording it in the same transaction as the work.", "warning"),
    Rule("PH007", "secret-key-client-side", "Secret API key in client-side code",
         "Anything shipped to a browser is public: a phk_ key there lets anyone pay, refund or, with an admin key, "
         "reconfigure the account. Bundlers inline environment variables into the bundle too.",
         "Keep phk_ keys on the server; give the browser a short-lived customer token (`POST /v1/customer_tokens`, "
         "pht_…) for the widgets.", "error"),
    Rule("PH008", "secret-key-in-source", "Secret API key committed in source",
         "A key in the repository is in every clone, CI log and fork; it stays valid until revoked.",
         "Revoke and roll the key (`POST /v1/api_keys/{id}/roll`), then read it from the environment or a secret "
         "manager (os.environ[\"PAYHUB_API_KEY\"], process.env.PAYHUB_API_KEY).", "error"),
    Rule("PH009", "retry-ignores-retry-after", "Retry loop ignores 429 Retry-After",
         "When PayHub answers 429 it says in Retry-After when to come back; a loop that retries on its own "
         "schedule (or at once) keeps hitting the limit and delays every other request of the key.",
         "On 429, wait the number of seconds in the Retry-After header before retrying (with a cap and a maximum "
         "number of attempts); back off exponentially only for other retryable errors.", "warning"),
    Rule("PH010", "requires-capture-as-paid", "requires_capture treated as paid",
         "`requires_capture` means the card is only authorized: no money has moved, the authorization can be "
         "voided or expire. Fulfilling on it ships goods that may never be paid for.",
         "Fulfil only on `captured` (or the payment.completed event); on `requires_capture` capture the payment "
         "(`POST /v1/payments/{id}/capture`) or wait.", "error"),
    Rule("PH011", "admin-key-for-payments", "Admin key used where a payments key suffices",
         "An admin key can create keys, change webhooks and configuration; if this code or its host leaks, the "
         "whole account is exposed, while a payments key limits the damage to payment calls.",
         "Create a key with scope payments (`payhub keys create --scope payments` or POST /v1/api_keys) and use it "
         "for these calls; keep the admin key for administration.", "warning"),
)}


@dataclass(frozen=True)
class Finding:
    path: str  # as given (posix separators): the SARIF artifact uri
    line: int  # 1-based
    column: int  # 1-based, in characters
    rule: str
    message: str
    explanation: str | None = field(default=None, compare=False)

    @property
    def fix(self) -> str:
        return RULES[self.rule].fix

    def explained(self, text: str) -> Finding:
        return replace(self, explanation=text)

    def as_dict(self) -> dict[str, object]:
        rule = RULES[self.rule]
        out: dict[str, object] = {"file": self.path, "line": self.line, "column": self.column, "rule": self.rule,
                                  "title": rule.title, "level": rule.level, "message": self.message, "fix": rule.fix}
        if self.explanation is not None:
            out["explanation"] = self.explanation
        return out


# --- PayHub's API, as the rules need it -----------------------------------------------------------------------

# The first path segments under /v1 (tests check this against the app's OpenAPI paths): a URL is PayHub's when
# its literal text holds /v1/<one of these>.
RESOURCES = frozenset({
    "api_keys", "audit_events", "autopay", "autopay_enrollments", "autopay_settings", "config", "copilot",
    "customer_search", "customer_tokens", "customers", "disputes", "entities", "event_types", "events",
    "extensions", "fee_policy", "fees", "gateways", "invoices", "payments", "portal", "portal_settings", "postings",
    "reconciliation", "refunds", "routing", "settlements", "staff_users", "tokens", "webhook_endpoints", "widgets",
})

# What a `payments` key may do (payments ⊃ read), by method and the first segment after /v1; a path that also
# names a sub-resource must match the longer pattern. Anything else needs admin, or is not known to need less.
PAYMENTS_SCOPE: dict[str, tuple[tuple[str, ...], ...]] = {
    "POST": (("payments",), ("refunds",), ("tokens",), ("customer_tokens",), ("autopay_enrollments",),
             ("customers", "*", "payment_methods"), ("disputes", "*", "evidence")),
    "GET": (("payments",), ("refunds",), ("invoices",), ("customers",), ("customer_search",), ("disputes",),
            ("autopay_enrollments",), ("customer_tokens",)),
    "DELETE": (("customers", "*", "payment_methods"),),
    "PATCH": (("autopay_enrollments",),),
}

SECRET_KEY = re.compile(r"phk_(admin|payments|read)_[A-Za-z0-9_-]{16,}")  # auth/keys.py: phk_<scope>_<32 bytes>
INTERPOLATED = "{}"  # stands for an interpolated value in the literal text of a URL


def payhub_path(text: str | None) -> tuple[str, ...] | None:
    """The segments after /v1 of a PayHub URL's literal text (interpolations as "{}"), or None if the text is not
    a PayHub URL. "https://{}/v1/payments/{}/capture?x=1" → ("payments", "{}", "capture")."""
    if text is None or "/v1/" not in text:
        return None
    rest = text.split("/v1/", 1)[1].split("?", 1)[0].split("#", 1)[0]
    segments = tuple(s for s in rest.split("/") if s)
    return segments if segments and segments[0] in RESOURCES else None


def payments_scope_suffices(method: str, segments: tuple[str, ...]) -> bool:
    for pattern in PAYMENTS_SCOPE.get(method.upper(), ()):
        if len(segments) >= len(pattern) and all(p in ("*", s) for p, s in zip(pattern, segments, strict=False)):
            # a longer path must not reach an admin sub-resource of an allowed one (e.g. /payments/{id} is fine)
            return len(pattern) > 1 or len(segments) <= 3
    return False


def words(identifier: str) -> list[str]:
    """An identifier's words, lower case: "verifyWebhookSig" → ["verify", "webhook", "sig"]; "x-request_id" too."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", identifier)
    return [w.lower() for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]


SIGNATURE_WORDS = frozenset({"signature", "signatures", "sig", "sigs", "digest", "hexdigest", "hmac", "mac"})
FULFILMENT_WORDS = frozenset({"ship", "deliver", "provision", "grant", "unlock", "paid", "receipt", "fulfil",
                              "fulfill", "fulfilment", "fulfillment", "fulfilled"})
PAID_STATUSES = frozenset({"paid", "fulfilled", "complete", "completed"})
SUCCESS_STATUSES = frozenset({"captured", "succeeded", "paid", "completed"})


def means_signature(identifier: str) -> bool:
    return any(w in SIGNATURE_WORDS for w in words(identifier))


def means_fulfilment(identifier: str) -> bool:
    return any(w in FULFILMENT_WORDS or w.startswith("fulfil") for w in words(identifier))


def is_admin_name(name: str) -> bool:
    return "admin" in words(name)


def is_secret_env_name(name: str) -> bool:
    """An environment variable that holds a PayHub secret key (bundlers inline these into browser code)."""
    parts = words(name)
    return "payhub" in parts and bool({"key", "secret", "apikey"} & set(parts))


BROWSER_EXTENSIONS = (".jsx", ".tsx")
BROWSER_DIRECTORIES = (("public",), ("static",), ("src", "components"))


def is_browser_path(path: str) -> bool:
    if path.endswith(BROWSER_EXTENSIONS):
        return True
    parts = tuple(path.replace("\\", "/").split("/")[:-1])
    return any(parts[i:i + len(d)] == d for d in BROWSER_DIRECTORIES for i in range(len(parts)))
