// <payhub-invoice-list>: the customer's open invoices, live from the ERP (GET /v1/customers/{c}/invoices).
// The customer ticks the ones to pay and may pay part of one; every change is a payhub:selection-change event
// {invoices: [{invoice, number, amount}], total, currency, valid} that <payhub-payment-form> listens for.
import { html, nothing } from "lit";
import { PayHubElement, listenAround } from "./base.js";
import { format, parseAmount, toInput } from "./money.js";
import { shared } from "./styles.js";

export class PayHubInvoiceList extends PayHubElement {
  static properties = {
    _invoices: { state: true },
    _selected: { state: true },
    _loading: { state: true },
    _error: { state: true },
  };

  static styles = shared;

  constructor() {
    super();
    this._invoices = null;
    this._selected = new Map(); // invoice id → {text, amount (minor units) | null, error}
    this._loading = false;
    this._error = "";
  }

  connectedCallback() {
    super.connectedCallback();
    this._unlisten = [
      listenAround(this, "payhub:selection-request", () => this._emit()),
      listenAround(this, "payhub:paid", () => {
        this._selected = new Map(); // paid: the balances drop, and nothing is selected any more
        this.reload();
      }),
    ];
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    (this._unlisten || []).forEach((off) => off());
  }

  ready() {
    this.reload();
  }

  async reload() {
    if (!this.customerId) return;
    this._loading = true;
    this._error = "";
    try {
      const page = await this.api("GET", `v1/customers/${encodeURIComponent(this.customerId)}/invoices`);
      this._invoices = page.data || [];
      const open = new Set(this._invoices.map((inv) => inv.id));
      this._selected = new Map([...this._selected].filter(([id]) => open.has(id)));
      // amounts chosen before may now be more than is payable: check them again
      for (const inv of this._invoices) if (this._selected.has(inv.id)) this._edit(inv, this._selected.get(inv.id).text, false);
    } catch (error) {
      this._invoices = null;
      this._error = this.fail(error, error.status === 401 || error.status === 403 || error.status === 404);
    } finally {
      this._loading = false;
      this._emit();
    }
  }

  // The current selection (also sent with every payhub:selection-change).
  get selection() {
    const invoices = [];
    let valid = true;
    for (const inv of this._invoices || []) {
      const sel = this._selected.get(inv.id);
      if (!sel) continue;
      if (sel.amount === null || sel.error) valid = false;
      else invoices.push({ invoice: inv.id, number: inv.number, amount: { amount: sel.amount, currency: inv.amount_payable.currency } });
    }
    const currencies = new Set(invoices.map((x) => x.amount.currency));
    if (currencies.size > 1) valid = false;
    const currency = currencies.size === 1 ? [...currencies][0] : null;
    const total = currency ? { amount: invoices.reduce((sum, x) => sum + x.amount.amount, 0), currency } : null;
    return { invoices, total, currency, valid: valid && invoices.length > 0, mixed: currencies.size > 1 };
  }

  _emit() {
    this.emit("payhub:selection-change", this.selection);
  }

  _toggle(inv, on) {
    const selected = new Map(this._selected);
    if (on) {
      const amount = inv.amount_payable.amount;
      selected.set(inv.id, { text: toInput(amount, inv.amount_payable.currency, this.numberLocale), amount, error: "" });
    } else {
      selected.delete(inv.id);
    }
    this._selected = selected;
    this._emit();
  }

  _toggleAll(on) {
    const selected = new Map();
    if (on) {
      for (const inv of this._payable()) {
        const amount = inv.amount_payable.amount;
        selected.set(inv.id, this._selected.get(inv.id) || { text: toInput(amount, inv.amount_payable.currency, this.numberLocale), amount, error: "" });
      }
    }
    this._selected = selected;
    this._emit();
  }

  _payable() {
    return (this._invoices || []).filter((inv) => inv.amount_payable.amount > 0);
  }

  _edit(inv, text, emit = true) {
    const currency = inv.amount_payable.currency;
    const amount = parseAmount(text, currency, this.numberLocale);
    let error = "";
    if (amount === null) error = this.t("money.invalid", { example: toInput(12345, currency, this.numberLocale) });
    else if (amount <= 0) error = this.t("money.zero");
    else if (amount > inv.amount_payable.amount) error = this.t("money.too_high", { max: format(inv.amount_payable, this.numberLocale) });
    const selected = new Map(this._selected);
    selected.set(inv.id, { text, amount, error });
    this._selected = selected;
    if (emit) this._emit();
  }

  _tidy(inv) {
    const sel = this._selected.get(inv.id);
    if (sel && !sel.error && sel.amount !== null) {
      this._edit(inv, toInput(sel.amount, inv.amount_payable.currency, this.numberLocale), false);
    }
  }

  render() {
    if (this._fatal) return html`<div class="alert" role="alert">${this._fatal.message}</div>`;
    const invoices = this._invoices;
    const selection = this.selection;
    const payable = this._payable();
    const all = payable.length > 0 && payable.every((inv) => this._selected.has(inv.id));
    const summary = selection.invoices.length
      ? this.t("invoices.summary", { count: selection.invoices.length, total: format(selection.total, this.numberLocale) })
      : this.t("invoices.none_selected");
    return html`
      <div class="alert" role="alert">${this._error}</div>
      ${invoices === null ? html`<p role="status">${this._loading ? this.t("loading") : ""}</p>` : nothing}
      ${invoices && !invoices.length ? html`<h2>${this.t("invoices.title")}</h2><p>${this.t("invoices.empty")}</p>` : nothing}
      ${invoices && invoices.length ? html`
        <table part="table">
          <caption>${this.t("invoices.title")}</caption>
          <thead><tr>
            <th scope="col"><input type="checkbox" id="all" .checked=${all} ?disabled=${!payable.length}
              aria-label=${this.t("invoices.select_all")} @change=${(e) => this._toggleAll(e.target.checked)}></th>
            <th scope="col">${this.t("invoices.number")}</th>
            <th scope="col">${this.t("invoices.due")}</th>
            <th scope="col" class="num">${this.t("invoices.balance")}</th>
            <th scope="col" class="num">${this.t("invoices.amount")}</th>
          </tr></thead>
          <tbody>${invoices.map((inv) => this._row(inv))}</tbody>
          <tfoot><tr>
            <th scope="row" colspan="4">${this.t("invoices.total")}</th>
            <td class="num" data-total>${selection.total ? format(selection.total, this.numberLocale) : "—"}</td>
          </tr></tfoot>
        </table>
        ${selection.mixed ? html`<p class="error">${this.t("invoices.currencies")}</p>` : nothing}
        <p class="sr-only" aria-live="polite">${summary}</p>` : nothing}
    `;
  }

  _row(inv) {
    const sel = this._selected.get(inv.id);
    const overdue = inv.due_on && inv.due_on < new Date().toISOString().slice(0, 10);
    const label = this.t("invoices.amount_label", { number: inv.number });
    return html`<tr data-invoice=${inv.id}>
      <td><input type="checkbox" id="select-${inv.id}" .checked=${!!sel} ?disabled=${inv.amount_payable.amount <= 0}
        aria-label=${this.t("invoices.select", { number: inv.number })} @change=${(e) => this._toggle(inv, e.target.checked)}></td>
      <td>${inv.number}</td>
      <td>${this._date(inv.due_on)}${overdue ? html`<span class="badge">${this.t("invoices.overdue")}</span>` : nothing}</td>
      <td class="num">${format(inv.amount_payable, this.numberLocale)}</td>
      <td class="num">${sel ? html`
        <input type="text" inputmode="decimal" size="10" id="amount-${inv.id}" aria-label=${label}
          .value=${sel.text} aria-invalid=${sel.error ? "true" : "false"} aria-describedby="amount-error-${inv.id}"
          @input=${(e) => this._edit(inv, e.target.value)} @change=${() => this._tidy(inv)}>
        <span class="field-error" id="amount-error-${inv.id}" role="alert">${sel.error}</span>` : html`<span class="muted">—</span>`}
      </td>
    </tr>`;
  }

  _date(iso) {
    if (!iso) return "";
    const [y, m, d] = iso.split("-").map(Number);
    return new Intl.DateTimeFormat(this.numberLocale, { dateStyle: "medium", timeZone: "UTC" }).format(Date.UTC(y, m - 1, d));
  }
}

customElements.get("payhub-invoice-list") || customElements.define("payhub-invoice-list", PayHubInvoiceList);
