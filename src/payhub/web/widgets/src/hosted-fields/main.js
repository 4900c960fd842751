// The script of PayHub's hosted-field page (/hosted/fields?entity=…&parent=<origin>&kind=card|ach), which runs
// inside an iframe on the host's page. Card and bank numbers are typed here, on PayHub's origin, and leave only
// to PayHub's POST /v1/tokens; the parent (the widget) gets back a token and a summary (brand, last 4), never
// the numbers. It talks only to the `parent` origin, and only if that origin is on the entity's allow-list
// (the page's inline JSON config); every message it sends names that origin as its target, never "*".
import { FIELD_STRINGS } from "../strings.js";
import { THEME, safeValue } from "../theme.js";
import {
  abaValid, brandOf, cardNumberValid, cvcLength, digitsOf, expired, formatCardNumber, parseExpiry,
} from "./checks.js";

const SOURCE = "payhub-hosted-fields";
const params = new URLSearchParams(location.search);
const config = readConfig();
const kind = (config.kind || params.get("kind")) === "ach" ? "ach" : "card";
const parentOrigin = config.parent || params.get("parent") || "";
const allowed = Array.isArray(config.allowed_origins) ? config.allowed_origins : [];
const api = (config.api || location.origin).replace(/\/$/, "");
const trusted = window.parent !== window && allowed.includes(parentOrigin);

let strings = { ...FIELD_STRINGS };
let customerToken = null;
let busy = false;

// The inputs by API field name; the page's markup gives the ids.
const FIELDS = kind === "card"
  ? { "card.number": "number", "card.exp_month": "exp", "card.exp_year": "exp", "card.cvc": "cvc" }
  : { "ach.routing_number": "routing", "ach.account_number": "account", "ach.account_type": "account_type",
      "ach.account_holder_name": "holder" };
const AUTOCOMPLETE = { number: "cc-number", exp: "cc-exp", cvc: "cc-csc", holder: "name" };
const LABELS = { number: "fields.number", exp: "fields.exp", cvc: "fields.cvc", routing: "fields.routing",
  account: "fields.account", account_type: "fields.account_type", holder: "fields.holder" };

function readConfig() {
  try {
    return JSON.parse(document.getElementById("payhub-config").textContent) || {};
  } catch {
    return {};
  }
}

function el(id) {
  return document.getElementById(id);
}

function t(key, vars) {
  let text = strings[key] || FIELD_STRINGS[key] || key;
  if (vars) text = text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  return text;
}

function send(message) {
  if (trusted) window.parent.postMessage({ source: SOURCE, ...message }, parentOrigin);
}

// The page's own stylesheet lays the fields out with the --payhub-* properties; this sheet adds the states
// the host themes too: focus (an outline in --payhub-focus-ring, a colour), invalid, and autofill.
const CSS = `
:root{${Object.entries(THEME).map(([k, v]) => `${k}:${v || "var(--payhub-color-primary)"}`).join(";")}}
input:focus,select:focus{outline:3px solid var(--payhub-focus-ring);outline-offset:1px;box-shadow:none;border-color:var(--payhub-color-primary)}
[aria-invalid=true]{border-color:var(--payhub-color-error);box-shadow:inset 0 0 0 1px var(--payhub-color-error)}
[aria-invalid=true]:focus{outline-color:var(--payhub-color-error)}
input:autofill,input:-webkit-autofill{-webkit-text-fill-color:var(--payhub-color-text);caret-color:var(--payhub-color-text);
 box-shadow:inset 0 0 0 100px var(--payhub-color-background);border-color:var(--payhub-color-primary)}
input:autofill:focus,input:-webkit-autofill:focus{box-shadow:inset 0 0 0 100px var(--payhub-color-background)}
.error,.payhub-error{color:var(--payhub-color-error);font-size:.875em}
.error:empty,.payhub-error:empty,[hidden]{display:none}
`;

function applyStyles(styles) {
  const root = document.documentElement.style;
  for (const name of Object.keys(THEME)) {
    const value = safeValue(styles && styles[name]);
    if (value) root.setProperty(name, value);
  }
}

function setup() {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  const form = document.querySelector("form");
  if (!trusted || !form) {
    // Not framed by an allowed origin: show nothing that takes input.
    if (form) form.hidden = true;
    return;
  }
  for (const id of new Set(Object.values(FIELDS))) {
    const input = el(id);
    if (!input) continue;
    if (AUTOCOMPLETE[id] && !input.getAttribute("autocomplete")) input.setAttribute("autocomplete", AUTOCOMPLETE[id]);
    if (["number", "exp", "cvc", "routing", "account"].includes(id)) input.setAttribute("inputmode", "numeric");
    let error = el(`${id}-error`);
    if (!error) {
      error = document.createElement("div");
      error.id = `${id}-error`;
      error.className = "payhub-error";
      input.insertAdjacentElement("afterend", error);
    }
    input.setAttribute("aria-describedby", error.id);
    input.addEventListener("input", () => onInput(input));
    input.addEventListener("blur", () => checkOne(id));
  }
  // Enter in a field: the widget goes on as if its button were pressed (the form has no submit button, so the
  // browser's implicit submission would not fire).
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send({ type: "submit" });
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target instanceof HTMLInputElement && !event.isComposing) {
      event.preventDefault();
      send({ type: "submit" });
    }
  });
  window.addEventListener("message", onMessage);
  new ResizeObserver(() => send({ type: "resize", height: Math.ceil(document.documentElement.getBoundingClientRect().height) }))
    .observe(document.documentElement);
  send({ type: "ready" });
}

function relabel() {
  for (const [id, key] of Object.entries(LABELS)) {
    const label = document.querySelector(`label[for="${id}"]`);
    if (label && strings[key]) label.textContent = t(key);
  }
  const type = el("account_type");
  if (type) {
    for (const option of type.options) {
      if (strings[`fields.${option.value}`]) option.textContent = t(`fields.${option.value}`);
    }
  }
}

function onInput(input) {
  if (input.id === "number") {
    const atEnd = input.selectionStart === input.value.length;
    const formatted = formatCardNumber(input.value);
    if (atEnd && formatted !== input.value) input.value = formatted;
  } else if (input.id === "exp") {
    const d = input.value.replace(/\D/g, "").slice(0, 4);
    if (input.selectionStart === input.value.length && !input.value.includes("/") && d.length > 2) {
      input.value = `${d.slice(0, 2)}/${d.slice(2)}`;
    }
  }
  if (input.getAttribute("aria-invalid") === "true") checkOne(input.id);
  const errors = check();
  send({ type: "change", complete: errors.length === 0, brand: kind === "card" ? brandOf(el("number")?.value) : null });
}

// Every problem with the values as they are: [{field, message}] with the API's field names.
function check() {
  const errors = [];
  const add = (field, key, vars) => errors.push({ field, message: t(key, vars) });
  if (kind === "card") {
    const number = digitsOf(el("number").value);
    if (!number) add("card.number", "fields.number.required");
    else if (!cardNumberValid(number)) add("card.number", "fields.number.invalid");
    const exp = parseExpiry(el("exp").value);
    if (!exp) add("card.exp_month", "fields.exp.invalid");
    else if (expired(exp)) add("card.exp_month", "fields.exp.expired");
    const length = cvcLength(brandOf(number));
    if (!new RegExp(`^\\d{${length}}$`).test(el("cvc").value.trim())) add("card.cvc", "fields.cvc.invalid", { length });
  } else {
    if (!abaValid(el("routing").value)) add("ach.routing_number", "fields.routing.invalid");
    if (!/^\d{4,17}$/.test(digitsOf(el("account").value))) add("ach.account_number", "fields.account.invalid");
    if (el("holder") && !el("holder").value.trim()) add("ach.account_holder_name", "fields.holder.required");
  }
  return errors;
}

function inputFor(field) {
  return el(FIELDS[field] || "");
}

function show(errors, only) {
  const ids = only ? [only] : [...new Set(Object.values(FIELDS))];
  for (const id of ids) {
    const input = el(id);
    if (!input) continue;
    const mine = errors.filter((e) => FIELDS[e.field] === id);
    input.setAttribute("aria-invalid", mine.length ? "true" : "false");
    const box = el(`${id}-error`);
    if (box) box.textContent = mine.map((e) => e.message).join(" ");
  }
}

function checkOne(id) {
  if (!el(id)?.value) return; // leaving an empty field is not yet a mistake
  show(check(), id);
}

async function tokenize() {
  if (busy) return;
  const errors = check();
  show(errors);
  if (errors.length) {
    inputFor(errors[0].field)?.focus();
    send({ type: "invalid", errors });
    return;
  }
  busy = true;
  try {
    const body = kind === "card" ? cardBody() : achBody();
    const response = await fetch(`${api}/v1/tokens`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${customerToken}` },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (response.ok) {
      send({ type: "tokenized", token: summary(data) });
    } else if (response.status === 422 && Array.isArray(data.errors) && data.errors.length) {
      const mapped = data.errors.map((e) => ({ field: String(e.field || "").replace(/^payment_method\./, ""),
        message: String(e.message || t("fields.error")) }));
      show(mapped);
      inputFor(mapped[0].field)?.focus();
      send({ type: "invalid", errors: mapped });
    } else {
      send({ type: "error", code: String(data.code || `http_${response.status}`), detail: String(data.detail || "") });
    }
  } catch {
    send({ type: "error", code: "network_error", detail: "" });
  } finally {
    busy = false;
  }
}

function cardBody() {
  const exp = parseExpiry(el("exp").value);
  return { card: { number: digitsOf(el("number").value), exp_month: exp.month, exp_year: exp.year,
    cvc: el("cvc").value.trim() } };
}

function achBody() {
  return { ach: { routing_number: el("routing").value.trim(), account_number: digitsOf(el("account").value),
    account_type: el("account_type")?.value || "checking", account_holder_name: el("holder")?.value.trim() || "" } };
}

// Only what the parent may see: the token's id and its summary.
function summary(token) {
  const card = token.card && { brand: token.card.brand, last4: token.card.last4, exp_month: token.card.exp_month,
    exp_year: token.card.exp_year, funding: token.card.funding, country: token.card.country };
  const ach = token.ach && { last4: token.ach.last4, routing_number_last4: token.ach.routing_number_last4,
    account_type: token.ach.account_type, account_holder_name: token.ach.account_holder_name };
  return { id: token.id, type: token.type, card: card || null, ach: ach || null, expires_at: token.expires_at };
}

function onMessage(event) {
  if (event.source !== window.parent || event.origin !== parentOrigin || !allowed.includes(event.origin)) return;
  const data = event.data;
  if (!data || data.source !== "payhub") return;
  if (data.type === "init") {
    if (typeof data.token === "string") customerToken = data.token;
    applyStyles(data.styles);
    if (data.locale && typeof data.locale === "object") {
      for (const [key, value] of Object.entries(data.locale)) {
        if (key.startsWith("fields.") && typeof value === "string") strings[key] = value;
      }
      relabel();
    }
  } else if (data.type === "tokenize") {
    tokenize();
  } else if (data.type === "focus") {
    el(Object.values(FIELDS)[0])?.focus();
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
else setup();
