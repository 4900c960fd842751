// PayHub virtual terminal: the page's only script. It calls PayHub's public API with the API key minted for the
// signed-in staff user (the page's JSON config), and takes card and bank details through PayHub's hosted-field
// iframe, which tokenizes them: card numbers never reach this page. Everything shown is set as text, never HTML.

const config = JSON.parse(document.getElementById("terminal-config").textContent);
const api = config.api.replace(/\/$/, "");
const $ = (id) => document.getElementById(id);
const MINOR = { JPY: 0, KRW: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 };

const state = { customer: null, invoices: [], customerToken: null, kind: "card", token: null, body: null,
  payment: null, frameReady: false, pending: null };

function digits(currency) {
  return currency in MINOR ? MINOR[currency] : 2;
}

function format(money) {
  if (!money) return "";
  const d = digits(money.currency);
  const sign = money.amount < 0 ? "-" : "";
  const abs = Math.abs(money.amount);
  const major = Math.floor(abs / 10 ** d);
  const minor = d ? "." + String(abs % 10 ** d).padStart(d, "0") : "";
  return `${sign}${major.toLocaleString("en-US")}${minor} ${money.currency}`;
}

// "12.34" → 1234 minor units (no floats); null when not a valid amount.
function parseAmount(text, currency) {
  const d = digits(currency);
  const m = /^\s*(\d{1,13})(?:\.(\d*))?\s*$/.exec(text.replace(/,/g, ""));
  if (!m || (m[2] && m[2].length > d)) return null;
  return Number(m[1]) * 10 ** d + Number((m[2] || "").padEnd(d, "0") || 0);
}

function toText(amount, currency) {
  const d = digits(currency);
  return d ? `${Math.floor(amount / 10 ** d)}.${String(amount % 10 ** d).padStart(d, "0")}` : String(amount);
}

function notice(text) {
  $("notice").textContent = text || "";
  $("notice").hidden = !text;
}

async function call(method, path, body, idempotencyKey) {
  const headers = { Authorization: `Bearer ${config.key}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  const response = await fetch(api + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (response.status === 401) notice("Your terminal session has ended. Reload the page or sign in again.");
  if (!response.ok) {
    const error = new Error(data.detail || data.title || `HTTP ${response.status}`);
    error.code = data.code;
    error.status = response.status;
    error.errors = data.errors;
    throw error;
  }
  return data;
}

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  return node;
}

function show(step, visible = true) {
  $(step).hidden = !visible;
}

// --- 1. customer search ---
$("search-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const q = $("search").value.trim();
  const list = $("results");
  list.replaceChildren();
  if (!q) return;
  try {
    const found = await call("GET", `/v1/customer_search?q=${encodeURIComponent(q)}&limit=20`);
    if (!found.data.length) list.append(el("li", "No customer matches.", { class: "muted" }));
    for (const customer of found.data) {
      const button = el("button", `${customer.name} · ${customer.id}`, { type: "button", "data-customer": customer.id });
      button.addEventListener("click", () => pickCustomer(customer));
      const item = el("li");
      item.append(button);
      list.append(item);
    }
  } catch (error) {
    list.append(el("li", error.message, { class: "error" }));
  }
});

async function pickCustomer(customer) {
  state.customer = customer;
  $("results").replaceChildren();
  $("customer-name").textContent = customer.name;
  $("customer-id").textContent = customer.id;
  show("customer");
  resetPayment();
  const invoices = await call("GET", `/v1/customers/${encodeURIComponent(customer.id)}/invoices`);
  state.invoices = invoices.data;
  renderInvoices();
  show("invoice-step");
  const token = await call("POST", "/v1/customer_tokens", { customer: customer.id, channel: "terminal", expires_in_s: 1800 });
  state.customerToken = token.token;
  show("method-step", state.invoices.length > 0);
  loadFields();
}

// --- 2. invoices and amounts ---
function renderInvoices() {
  const body = $("invoices");
  body.replaceChildren();
  $("no-invoices").hidden = state.invoices.length > 0;
  for (const inv of state.invoices) {
    inv.currency = inv.amount_payable.currency;
    const row = el("tr", null, { "data-invoice": inv.id });
    const pick = el("input", null, { type: "checkbox", "aria-label": `Pay ${inv.number}` });
    const amount = el("input", null, { type: "text", inputmode: "decimal", "aria-label": `Amount for ${inv.number}` });
    amount.value = toText(inv.amount_payable.amount, inv.currency);
    amount.disabled = true;
    pick.addEventListener("change", () => { amount.disabled = !pick.checked; updateTotal(); });
    amount.addEventListener("input", updateTotal);
    const cells = [el("td"), el("td", inv.number), el("td", `${inv.due_on} · ${inv.terms}`), el("td", format(inv.amount_payable), { class: "num" }), el("td", null, { class: "num" })];
    cells[0].append(pick);
    cells[4].append(amount);
    row.append(...cells);
    body.append(row);
  }
  updateTotal();
}

function selection() {
  const picked = [];
  for (const row of $("invoices").querySelectorAll("tr")) {
    const [pick, amount] = row.querySelectorAll("input");
    if (!pick.checked) continue;
    const inv = state.invoices.find((i) => i.id === row.dataset.invoice);
    const minor = parseAmount(amount.value, inv.currency);
    amount.setAttribute("aria-invalid", String(minor === null || minor <= 0));
    picked.push({ invoice: inv.id, number: inv.number, amount: minor, currency: inv.currency });
  }
  return picked;
}

function updateTotal() {
  const picked = selection();
  const currency = picked[0]?.currency || state.invoices[0]?.currency || "USD";
  const total = picked.reduce((sum, p) => sum + (p.amount || 0), 0);
  $("total").textContent = format({ amount: total, currency });
}

// --- 3. method: the hosted fields ---
function loadFields() {
  state.frameReady = false;
  const url = new URL("/hosted/fields", api);
  url.searchParams.set("entity", config.entity);
  url.searchParams.set("parent", location.origin);
  url.searchParams.set("kind", state.kind);
  $("fields").src = url.toString();
  $("tel").hidden = state.kind !== "ach";
  $("tel-read").checked = false;
}

function post(message) {
  $("fields").contentWindow?.postMessage({ source: "payhub", ...message }, new URL(api).origin);
}

window.addEventListener("message", (event) => {
  if (event.source !== $("fields").contentWindow || event.origin !== new URL(api).origin) return;
  const data = event.data;
  if (!data || data.source !== "payhub-hosted-fields") return;
  if (data.type === "ready") {
    state.frameReady = true;
    post({ type: "init", token: state.customerToken, styles: {} });
  } else if (data.type === "resize" && Number.isFinite(data.height) && data.height > 0 && data.height < 5000) {
    $("fields").style.height = `${Math.ceil(data.height)}px`;
  } else if (data.type === "tokenized" || data.type === "invalid" || data.type === "error") {
    const pending = state.pending;
    state.pending = null;
    if (pending) pending(data);
  }
});

for (const radio of document.querySelectorAll('input[name="kind"]')) {
  radio.addEventListener("change", () => {
    state.kind = radio.value;
    loadFields();
  });
}

function tokenize() {
  return new Promise((resolve) => {
    state.pending = resolve;
    post({ type: "tokenize" });
  });
}

function telScript(total, token) {
  const ach = token?.ach || {};
  return config.tel.text.replaceAll("{date}", new Date().toISOString().slice(0, 10))
    .replaceAll("{customer}", state.customer.name).replaceAll("{company}", config.tel.company)
    .replaceAll("{amount}", total).replaceAll("{account_type}", ach.account_type || "checking")
    .replaceAll("{last4}", ach.last4 || "····").replaceAll("{routing_last4}", ach.routing_number_last4 || "····");
}

function refreshTel() {
  const picked = selection();
  const currency = picked[0]?.currency || "USD";
  const total = format({ amount: picked.reduce((s, p) => s + (p.amount || 0), 0), currency });
  $("tel-script").textContent = telScript(total, state.token);
}
$("tel").addEventListener("focusin", refreshTel);
$("invoices").addEventListener("input", refreshTel);
document.querySelector('input[value="ach"]').addEventListener("change", refreshTel);

function baseBody() {
  const picked = selection();
  if (!picked.length) throw new Error("Pick at least one invoice.");
  if (picked.some((p) => p.amount === null || p.amount <= 0)) throw new Error("Enter a valid amount for each picked invoice.");
  return {
    allocations: picked.map((p) => ({ invoice: p.invoice, amount: { amount: p.amount, currency: p.currency } })),
    payment_method: { type: "token", token: state.token.id },
  };
}

// --- 4. review: fees and Level 2/3 data ---
$("review").addEventListener("click", async () => {
  $("method-error").textContent = "";
  try {
    if (!state.customer) throw new Error("Look up a customer first.");
    baseBodyCheck();
    if (state.kind === "ach") refreshTel();
    if (state.kind === "ach" && !$("tel-read").checked) {
      throw new Error("Read the authorization to the customer and tick the box first.");
    }
    const result = await tokenize();
    if (result.type !== "tokenized") {
      const messages = (result.errors || []).map((e) => e.message).join(" ");
      throw new Error(messages || result.detail || "Check the payment details.");
    }
    state.token = result.token;
    const body = baseBody();
    const quote = await call("POST", "/v1/payments/quote", body);
    state.body = body;
    const method = state.token.card ? `${state.token.card.brand} ····${state.token.card.last4}`
      : `Bank account ····${state.token.ach.last4} (${state.token.ach.account_type})`;
    $("review-method").textContent = method;
    $("review-amount").textContent = format(quote.amount);
    $("review-fee").textContent = format(quote.convenience_fee);
    $("review-surcharge").textContent = format(quote.surcharge);
    $("review-total").textContent = format(quote.total);
    $("review-reasons").replaceChildren(...(quote.explanation || []).map((r) => el("li", r)));
    show("review-step");
    show("method-step", false);
    $("po").focus();
  } catch (error) {
    $("method-error").textContent = error.message;
  }
});

function baseBodyCheck() {
  const picked = selection();
  if (!picked.length) throw new Error("Pick at least one invoice.");
  if (picked.some((p) => p.amount === null || p.amount <= 0)) throw new Error("Enter a valid amount for each picked invoice.");
}

$("back").addEventListener("click", () => {
  show("review-step", false);
  show("method-step");
  loadFields();  // a vault token is single-use: a fresh entry
});

$("submit").addEventListener("click", async () => {
  $("submit-error").textContent = "";
  const button = $("submit");
  button.disabled = true;
  try {
    const body = { ...state.body };
    const po = $("po").value.trim();
    if (po) body.customer_po = po;
    const currency = body.allocations[0].amount.currency;
    const taxText = $("tax").value.trim();
    if (taxText) {
      const tax = parseAmount(taxText, currency);
      if (tax === null) throw new Error("Enter the tax as an amount, e.g. 8.25.");
      body.tax_amount = { amount: tax, currency };
    }
    if (state.kind === "ach") {
      body.metadata = { [config.metadata_keys.tel_authorization]: "read", [config.metadata_keys.tel_script]: config.tel.version };
    }
    state.idempotencyKey = state.idempotencyKey || crypto.randomUUID();
    const payment = await call("POST", "/v1/payments", body, state.idempotencyKey);
    state.idempotencyKey = null;
    showResult(payment);
  } catch (error) {
    if (error.code !== "idempotency_key_in_use") state.idempotencyKey = null;
    $("submit-error").textContent = `${error.message}${error.code ? ` (${error.code})` : ""}`;
  } finally {
    button.disabled = false;
  }
});

// --- 5. result and the GL posting ---
function showResult(payment) {
  state.payment = payment;
  show("review-step", false);
  show("result-step");
  $("result-status").textContent = payment.status;
  $("result-status").className = ["captured", "authorized", "requires_capture", "pending"].includes(payment.status) ? "ok" : "error";
  $("result-receipt").textContent = payment.receipt_number;
  $("result-id").textContent = payment.id;
  $("result-amount").textContent = format(payment.amount);
  const l3 = payment.level3;
  $("result-level3").textContent = l3 ? `PO ${l3.customer_po || "—"} · tax ${format(l3.tax_amount)} · ${l3.line_items.length} line items` : "—";
  showPosting(payment.posting);
  if (config.can_refund && $("refund-actions")) {
    $("refund-actions").hidden = false;
    $("refund").hidden = !["captured", "partially_refunded"].includes(payment.status);
    $("void").hidden = !["requires_capture", "authorized"].includes(payment.status);
  }
  $("result-h").focus?.();
}

function showPosting(posting) {
  $("result-erp-ref").textContent = posting?.erp_reference || "—";
  $("result-posting-status").textContent = posting ? `(${posting.kind}, ${posting.status})` : "(no posting)";
  const rows = (posting?.entries || []).map((line) => {
    const row = el("tr");
    row.append(el("td", line.account), el("td", line.invoice || ""),
      el("td", line.debit ? format({ amount: line.debit, currency: line.currency }) : "", { class: "num" }),
      el("td", line.credit ? format({ amount: line.credit, currency: line.currency }) : "", { class: "num" }));
    return row;
  });
  $("result-entries").replaceChildren(...rows);
}

if (config.can_refund && $("refund-actions")) {
  $("refund").addEventListener("click", async () => {
    const payment = state.payment;
    try {
      const refund = await call("POST", "/v1/refunds", { payment: payment.id, reason: "Refunded at the virtual terminal" },
        crypto.randomUUID());
      $("refund-result").textContent = `Refund ${refund.id}: ${refund.status}, ${format(refund.amount)}`;
      $("refund-result").className = "ok";
      if (refund.posting) showPosting(refund.posting);
      $("refund").hidden = true;
    } catch (error) {
      $("refund-result").textContent = `${error.message} (${error.code || error.status})`;
      $("refund-result").className = "error";
    }
  });
  $("void").addEventListener("click", async () => {
    try {
      const voided = await call("POST", `/v1/payments/${encodeURIComponent(state.payment.id)}/void`, undefined, crypto.randomUUID());
      $("refund-result").textContent = `Payment ${voided.id}: ${voided.status}`;
      $("void").hidden = true;
    } catch (error) {
      $("refund-result").textContent = `${error.message} (${error.code || error.status})`;
    }
  });
}  // the `terminal` role's page has no refund or void button (and the API refuses them anyway)

function resetPayment() {
  state.token = null;
  state.body = null;
  state.payment = null;
  state.idempotencyKey = null;
  for (const step of ["review-step", "result-step"]) show(step, false);
  $("refund-result").textContent = "";
  $("po").value = "";
  $("tax").value = "";
}

$("again").addEventListener("click", () => {
  resetPayment();
  if (state.customer) pickCustomer(state.customer);
});
