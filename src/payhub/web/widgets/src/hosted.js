// The parent side of the hosted-field iframe (PayHub's /hosted/fields page). It renders the iframe, answers its
// `ready` with `init` (the customer token, the host's theme, the strings), resizes it, and turns `tokenize`
// into a promise of the token summary. It accepts messages only from that iframe's window and PayHub's origin.
import { html } from "lit";
import { keyed } from "lit/directives/keyed.js";
import { themeOf } from "./theme.js";

let frames = 0;

export class HostedFields {
  // host: the widget (a PayHubElement); onChange({complete, brand}); onSubmit(): Enter pressed in the iframe.
  constructor(host, { onChange, onSubmit } = {}) {
    this.host = host;
    this.onChange = onChange || (() => {});
    this.onSubmit = onSubmit || (() => {});
    this.kind = "card";
    this.key = ++frames;
    this.height = 0;
    this.pending = null;
    this.ready = false;
    this._listener = (event) => this._receive(event);
    host.addController(this);
  }

  hostConnected() {
    window.addEventListener("message", this._listener);
  }

  hostDisconnected() {
    window.removeEventListener("message", this._listener);
    this._settle(null, { code: "cancelled" });
  }

  get origin() {
    return new URL(this.host.base).origin;
  }

  get frame() {
    return this.host.renderRoot?.querySelector(`iframe[data-frame="${this.key}"]`);
  }

  src(entity) {
    const url = new URL("hosted/fields", this.host.base.endsWith("/") ? this.host.base : `${this.host.base}/`);
    url.searchParams.set("entity", entity);
    url.searchParams.set("parent", location.origin);
    url.searchParams.set("kind", this.kind);
    return url.href;
  }

  // A fresh iframe (after a saved method, or to switch card ↔ ACH): its fields start empty.
  reset(kind) {
    if (kind) this.kind = kind;
    this.key = ++frames;
    this.ready = false;
    this.height = 0;
    this._settle(null, { code: "cancelled" });
    this.host.requestUpdate();
  }

  // The height is set through the CSSOM (frame.style), never a style attribute: a host whose CSP forbids
  // inline styles still gets a sized iframe.
  render(entity, title) {
    return keyed(this.key, html`<iframe data-frame=${this.key} title=${title} src=${this.src(entity)}
      @load=${() => this._init()}></iframe>`);
  }

  _post(message) {
    this.frame?.contentWindow?.postMessage({ source: "payhub", ...message }, this.origin);
  }

  _init() {
    const locale = Object.fromEntries(Object.entries(this.host.texts).filter(([k]) => k.startsWith("fields.")));
    this._post({ type: "init", token: this.host.token, styles: themeOf(this.host), locale });
  }

  // Send the host's current theme again (after it changed a --payhub-* property).
  refreshStyles() {
    this._init();
  }

  focus() {
    this.frame?.focus();
    this._post({ type: "focus" });
  }

  tokenize() {
    this._settle(null, { code: "cancelled" });
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this._post({ type: "tokenize" });
    });
  }

  _settle(token, error) {
    const pending = this.pending;
    this.pending = null;
    if (!pending) return;
    if (token) pending.resolve(token);
    else pending.reject(error);
  }

  _receive(event) {
    const frame = this.frame;
    if (!frame || event.source !== frame.contentWindow || event.origin !== this.origin) return;
    const data = event.data;
    if (!data || data.source !== "payhub-hosted-fields") return;
    switch (data.type) {
      case "ready":
        this.ready = true;
        this._init();
        break;
      case "resize":
        if (Number.isFinite(data.height) && data.height > 0 && data.height < 5000) {
          this.height = Math.ceil(data.height);
          frame.style.height = `${this.height}px`;
        }
        break;
      case "change":
        this.onChange({ complete: !!data.complete, brand: data.brand || null });
        break;
      case "submit":
        this.onSubmit();
        break;
      case "tokenized":
        this._settle(data.token);
        break;
      case "invalid":
        this._settle(null, { code: "card_invalid", fields: true, errors: data.errors || [] });
        break;
      case "error":
        this._settle(null, { code: data.code || "generic", detail: data.detail || "",
          status: data.code === "invalid_customer_token" ? 401 : undefined });
        break;
      default:
    }
  }
}
