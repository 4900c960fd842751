// <payhub-payment-history>: the customer's payments, newest first, each with its refunds, a page at a time
// (GET /v1/payments?customer=…&limit=…&starting_after=…, following next_cursor). It reloads after payhub:paid.
import { html, nothing } from "lit";
import { PayHubElement, listenAround } from "./base.js";
import { brandName } from "./methods.js";
import { format } from "./money.js";
import { shared } from "./styles.js";

export class PayHubPaymentHistory extends PayHubElement {
  static properties = {
    pageSize: { type: Number, attribute: "page-size" },
    _page: { state: true },
    _cursors: { state: true },
    _loading: { state: true },
    _error: { state: true },
  };

  static styles = shared;

  constructor() {
    super();
    this.pageSize = 10;
    this._page = null;
    this._cursors = [null]; // the starting_after of each page seen: back and forth without counting
    this._loading = false;
    this._error = "";
  }

  connectedCallback() {
    super.connectedCallback();
    this._unlisten = listenAround(this, "payhub:paid", () => this._load(0));
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this._unlisten?.();
  }

  ready() {
    this._load(0);
  }

  async _load(index) {
    if (!this.customerId) return;
    this._loading = true;
    this._error = "";
    const cursors = index === 0 ? [null] : this._cursors;
    try {
      const page = await this.api("GET", "v1/payments", { query: {
        customer: this.customerId, limit: Math.max(1, Math.min(100, this.pageSize || 10)), starting_after: cursors[index] } });
      const next = cursors.slice(0, index + 1);
      if (page.has_more && page.next_cursor) next.push(page.next_cursor);
      this._cursors = next;
      this._page = { index, data: page.data || [], more: !!page.has_more && !!page.next_cursor };
    } catch (error) {
      this._error = this.fail(error, error.status === 401 || error.status === 403 || error.status === 404);
    } finally {
      this._loading = false;
    }
  }

  async _go(index) {
    await this._load(index);
    await this.updateComplete;
    this.renderRoot.querySelector("caption")?.focus();
  }

  render() {
    if (this._fatal) return html`<div class="alert" role="alert">${this._fatal.message}</div>`;
    const page = this._page;
    return html`
      <div class="alert" role="alert">${this._error}</div>
      ${!page ? html`<p role="status">${this._loading ? this.t("loading") : ""}</p>` : nothing}
      ${page && !page.data.length && page.index === 0 ? html`<h2>${this.t("history.title")}</h2><p>${this.t("history.empty")}</p>` : nothing}
      ${page && page.data.length ? html`
        <table aria-busy=${this._loading ? "true" : "false"}>
          <caption tabindex="-1">${this.t("history.title")} <span class="muted">${page.index > 0 || page.more
            ? this.t("history.page", { page: page.index + 1 }) : ""}</span></caption>
          <thead><tr>
            <th scope="col">${this.t("history.date")}</th>
            <th scope="col">${this.t("history.receipt")}</th>
            <th scope="col">${this.t("history.method")}</th>
            <th scope="col">${this.t("history.invoices")}</th>
            <th scope="col" class="num">${this.t("history.amount")}</th>
            <th scope="col">${this.t("history.status")}</th>
          </tr></thead>
          <tbody>${page.data.map((p) => this._rows(p))}</tbody>
        </table>` : nothing}
      ${page && (page.index > 0 || page.more) ? html`<div class="row">
        <button type="button" class="secondary" ?disabled=${page.index === 0 || this._loading} @click=${() => this._go(page.index - 1)}>
          ${this.t("history.prev")}</button>
        <button type="button" class="secondary" ?disabled=${!page.more || this._loading} @click=${() => this._go(page.index + 1)}>
          ${this.t("history.next")}</button>
      </div>` : nothing}
    `;
  }

  _rows(p) {
    const loc = this.numberLocale;
    const refunds = p.refunds || [];
    return html`<tr data-payment=${p.id}>
        <td>${this._date(p.created_at)}</td>
        <td>${p.receipt_number || p.id}</td>
        <td>${this._method(p.payment_method)}</td>
        <td>${(p.allocations || []).map((a) => a.invoice).join(", ")}</td>
        <td class="num">${format(p.amount, loc)}</td>
        <td>${this._status(p.status)}</td>
      </tr>
      ${refunds.map((r) => html`<tr data-refund=${r.id}>
        <td>${this._date(r.created_at)}</td>
        <td colspan="3">${this.t("history.refund")}</td>
        <td class="num">−${format(r.amount, loc)}</td>
        <td>${this._status(r.status)}</td>
      </tr>`)}`;
  }

  _status(status) {
    return this.texts[`status.${status}`] ? this.t(`status.${status}`) : status;
  }

  _method(m) {
    if (!m) return "";
    if (m.card) return this.t("history.card", { brand: brandName(m.card.brand), last4: m.card.last4 || "····" });
    if (m.ach) return this.t("history.bank", { last4: m.ach.last4 || "····" });
    return m.type || "";
  }

  _date(iso) {
    if (!iso) return "";
    return new Intl.DateTimeFormat(this.numberLocale, { dateStyle: "medium" }).format(new Date(iso));
  }
}

customElements.get("payhub-payment-history") || customElements.define("payhub-payment-history", PayHubPaymentHistory);
