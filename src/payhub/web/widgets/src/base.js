// What the four widgets share: configuration (api-base, token, customer, locale, strings), the customer token's
// context (GET /v1/customer_tokens/current), strings, events, and turning API errors into clear messages.
import { LitElement } from "lit";
import { ApiError, request } from "./api.js";
import { catalogue, t } from "./strings.js";

// payhub.js is served at <PayHub>/widgets/v1/payhub.js: without an api-base attribute, the API is there.
const DEFAULT_BASE = (() => {
  try {
    return new URL("../../", import.meta.url).href;
  } catch {
    return location.origin;
  }
})();

const contexts = new Map(); // "base token" → Promise of the token's context, shared by the widgets of a page
const live = new Set(); // the widgets on the page, to re-render after PayHub.addLocale

export function refreshAll() {
  for (const element of live) {
    element.requestUpdate();
    element.fields?.refreshStyles();
  }
}

export class PayHubElement extends LitElement {
  static properties = {
    apiBase: { type: String, attribute: "api-base" },
    token: { type: String },
    customer: { type: String },
    locale: { type: String, reflect: true },
    merchant: { type: String },
    strings: { attribute: false },
    _ctx: { state: true },
    _fatal: { state: true },
  };

  constructor() {
    super();
    this._ctx = null;
    this._fatal = null;
  }

  get base() {
    return this.apiBase || DEFAULT_BASE;
  }

  get texts() {
    return catalogue(this.locale, this.strings);
  }

  t(key, vars) {
    return t(this.texts, key, vars);
  }

  // The locale numbers, dates and amounts are formatted in.
  get numberLocale() {
    return this.locale || document.documentElement.lang || undefined;
  }

  // The customer the widget shows: the token's own. A `customer` attribute is the host's claim; if it is not
  // the token's customer, nothing is requested for either and the widget says why.
  get customerId() {
    return this._ctx ? this._ctx.customer : null;
  }

  api(method, path, options) {
    return request(this.base, this.token, method, path, options);
  }

  connectedCallback() {
    super.connectedCallback();
    live.add(this);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    live.delete(this);
  }

  willUpdate() {
    if (this._started !== this._key()) this._start();
  }

  updated(changed) {
    // the hosted fields speak the widget's language too
    if (changed.has("locale") || changed.has("strings")) this.fields?.refreshStyles();
  }

  _key() {
    return `${this.base} ${this.token} ${this.customer || ""}`;
  }

  async _start() {
    const key = this._key();
    this._started = key;
    this._ctx = null;
    this._fatal = null;
    if (!this.token) {
      this._fatal = { code: "invalid_customer_token" };
      return;
    }
    const cacheKey = `${this.base} ${this.token}`;
    if (!contexts.has(cacheKey)) contexts.set(cacheKey, this.api("GET", "v1/customer_tokens/current"));
    let ctx;
    try {
      ctx = await contexts.get(cacheKey);
    } catch (error) {
      contexts.delete(cacheKey);
      if (this._started === key) this.fail(error, true);
      return;
    }
    if (this._started !== key) return;
    if (this.customer && this.customer !== ctx.customer) {
      this.fail(new ApiError(403, { code: "customer_mismatch" }), true);
      return;
    }
    this._ctx = ctx;
    this.ready(ctx);
  }

  // Called once the token's context is known; widgets load their data here.
  ready() {}

  emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  // A message for an error, never data: the token's problems are told plainly, others by their code.
  message(error) {
    const code = error?.code || "generic";
    if (["invalid_customer_token", "customer_token_expired", "unauthorized"].includes(code) || error?.status === 401) {
      return this.t("error.invalid_customer_token");
    }
    const key = `error.${code}`;
    if (this.texts[key]) return this.t(key, { detail: error.detail || "" });
    if (error?.status === 403 || (error?.status === 404 && /customer/.test(code))) return this.t("error.not_found");
    if (error?.status === 422 && error.errors?.length) {
      return this.t("error.validation_error", { detail: error.errors.map((e) => e.message).join(" ") });
    }
    return this.t("error.generic", { detail: error?.detail || code });
  }

  // Report an error: `fatal` ones (the token is bad, the customer is not this token's) replace the widget's
  // content. Every error is also a payhub:error event for the host.
  fail(error, fatal = false) {
    const message = this.message(error);
    if (fatal || error?.status === 401 || error?.code === "invalid_customer_token") this._fatal = { code: error?.code, message };
    this.emit("payhub:error", { code: error?.code || "generic", detail: message });
    return message;
  }
}

// Listen for an event on `document` and on the element's root node (a host's shadow root), once per event:
// composed events from a sibling reach both, events inside a closed shadow root only the root.
export function listenAround(element, name, handler) {
  const seen = new WeakSet();
  const listener = (event) => {
    if (seen.has(event)) return;
    seen.add(event);
    handler(event);
  };
  const root = element.getRootNode();
  const targets = root && root !== document ? [root, document] : [document];
  for (const target of targets) target.addEventListener(name, listener);
  return () => targets.forEach((target) => target.removeEventListener(name, listener));
}
