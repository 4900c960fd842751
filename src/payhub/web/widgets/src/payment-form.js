// <payhub-payment-form>: pays the invoices selected in <payhub-invoice-list> (or set as its `selection`
// property) by card or ACH. The numbers are typed in PayHub's hosted-field iframe, which returns a token; the
// form then asks POST /v1/payments/quote with that token (so brand and funding count), shows the fee or
// surcharge and the total, and only then offers Pay: POST /v1/payments with a new Idempotency-Key per attempt.
// The customer's saved payment methods (GET /v1/customers/{c}/payment_methods) are offered too, paid by reference.
import { html, nothing } from "lit";
import { PayHubElement, listenAround } from "./base.js";
import { uuid } from "./api.js";
import { HostedFields } from "./hosted.js";
import { describeMethod } from "./methods.js";
import { format } from "./money.js";
import { shared } from "./styles.js";

export class PayHubPaymentForm extends PayHubElement {
  static properties = {
    for: { type: String },
    methods: { type: String }, // what to offer, of "card ach saved" (the default: all three)
    payerJurisdiction: { type: String, attribute: "payer-jurisdiction" }, // "US-NY": surcharge rules depend on it
    selection: { attribute: false },
    _kind: { state: true }, // "card", "ach" or a saved method's id (pm_…)
    _saved: { state: true },
    _step: { state: true }, // entry → checking → review → paying → done
    _quote: { state: true },
    _token: { state: true },
    _error: { state: true },
    _fieldErrors: { state: true },
    _payment: { state: true },
    _consent: { state: true },
    _consentError: { state: true },
  };

  static styles = shared;

  constructor() {
    super();
    this.selection = null;
    this.methods = "card ach saved";
    this._kind = "card";
    this._saved = [];
    this._step = "entry";
    this._quote = null;
    this._token = null;
    this._error = "";
    this._fieldErrors = [];
    this._payment = null;
    this._consent = false;
    this._consentError = "";
    this.fields = new HostedFields(this, {
      onChange: (change) => this._fieldsChanged(change),
      onSubmit: () => this._review(),
    });
  }

  connectedCallback() {
    super.connectedCallback();
    this._unlisten = listenAround(this, "payhub:selection-change", (event) => {
      const from = event.composedPath()[0];
      if (this.for && from?.id !== this.for) return;
      this._setSelection(event.detail);
    });
    // a list already on the page tells its selection again
    queueMicrotask(() => this.emit("payhub:selection-request", {}));
    this._unlistenMethods = listenAround(this, "payhub:payment-methods-change", () => this._loadSaved());
  }

  ready() {
    this._loadSaved();
  }

  async _loadSaved() {
    if (!this.customerId || !this._offers("saved")) return;
    try {
      const page = await this.api("GET", `v1/customers/${encodeURIComponent(this.customerId)}/payment_methods`,
        { query: { limit: 100 } });
      this._saved = page.data || [];
    } catch {
      this._saved = []; // saved methods are an extra: the form works without them
    }
    if (this._isSaved && !this._saved.some((pm) => pm.id === this._kind)) this._switch(this._kinds[0]);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this._unlisten?.();
    this._unlistenMethods?.();
  }

  _offers(what) {
    const offered = String(this.methods || "").split(/\s+/);
    return offered.includes(what) || !offered.some((k) => ["card", "ach", "saved"].includes(k));
  }

  // The choices, in order: a new card or bank account, then the customer's saved methods.
  get _kinds() {
    const saved = this._offers("saved") ? this._saved.map((pm) => pm.id) : [];
    const fresh = ["card", "ach"].filter((k) => this._offers(k));
    return [...(fresh.length || saved.length ? fresh : ["card"]), ...saved];
  }

  get _isSaved() {
    return this._kind.startsWith("pm_");
  }

  _setSelection(selection) {
    const before = JSON.stringify(this.selection?.invoices || []);
    this.selection = selection;
    if (JSON.stringify(selection?.invoices || []) === before) return;
    if (this._step === "done") return;
    if (this._token && this._step === "review") this._requote(); // the amounts changed: quote again
  }

  willUpdate(changed) {
    super.willUpdate(changed);
    if (!this._kinds.includes(this._kind)) this._kind = this._kinds.find((k) => !k.startsWith("pm_")) || this._kinds[0];
    if (!this._isSaved && this.fields.kind !== this._kind) this.fields.kind = this._kind;
  }

  _fieldsChanged() {
    // A different card or account: its token and quote no longer apply.
    if (this._step === "review" && this._token) {
      this._token = null;
      this._quote = null;
      this._step = "entry";
    }
    this._fieldErrors = [];
  }

  _switch(kind) {
    if (kind === this._kind) return;
    this._kind = kind;
    this._token = null;
    this._quote = null;
    this._step = "entry";
    this._error = "";
    this._fieldErrors = [];
    if (!this._isSaved && this.fields.kind !== kind) this.fields.reset(kind);
  }

  _body(token) {
    return {
      allocations: this.selection.invoices.map((x) => ({ invoice: x.invoice, amount: x.amount })),
      payment_method: token.saved ? { type: "saved", payment_method: token.id } : { type: "token", token: token.id },
      ...(this.payerJurisdiction ? { payer_jurisdiction: this.payerJurisdiction } : {}),
    };
  }

  async _review() {
    if (this._step === "checking" || this._step === "paying") return;
    this._error = "";
    this._fieldErrors = [];
    if (!this.selection?.valid) {
      this._error = this.t("form.nothing");
      return;
    }
    this._step = "checking";
    try {
      this._token = this._isSaved ? { id: this._kind, saved: true } : await this.fields.tokenize();
    } catch (error) {
      this._step = "entry";
      if (error.code === "cancelled") return;
      if (error.fields) {
        this._fieldErrors = error.errors; // shown in the iframe too, announced here
      } else {
        this._error = this.fail(error);
      }
      return;
    }
    await this._requote();
    if (this._step === "review") {
      await this.updateComplete;
      this.renderRoot.querySelector("#pay")?.focus();
    }
  }

  async _requote() {
    const token = this._token;
    if (!token || !this.selection?.valid) {
      this._quote = null;
      this._step = "entry";
      return;
    }
    this._step = "checking";
    try {
      const quote = await this.api("POST", "v1/payments/quote", { body: this._body(token) });
      if (token !== this._token) return;
      this._quote = quote;
      this._step = "review";
    } catch (error) {
      this._quote = null;
      this._step = "entry";
      this._error = this.fail(error);
    }
  }

  async _pay() {
    if (this._step !== "review" || !this._token) return;
    if (this._kind === "ach" && !this._consent) { // a saved account's authorization was given when it was saved
      this._consentError = this.t("form.ach_consent_required");
      this.renderRoot.querySelector("#consent")?.focus();
      return;
    }
    this._step = "paying";
    this._error = "";
    const token = this._token;
    const key = uuid(); // one per attempt: a retry of this same click may replay it, a new click never does
    try {
      const payment = await this.api("POST", "v1/payments", { body: this._body(token), headers: { "Idempotency-Key": key } });
      this._token = null; // used
      if (payment.status === "failed") {
        this._step = "entry";
        this._quote = null;
        const code = payment.failure?.code || "card_declined";
        this._error = this.t("form.failed", { reason: this.message({ code, detail: payment.failure?.message || "" }) });
        this.emit("payhub:error", { code, detail: this._error, payment: payment.id });
        return;
      }
      this._payment = payment;
      this._step = "done";
      this.emit("payhub:paid", { payment: payment.id, receipt_number: payment.receipt_number || payment.id,
        amount: payment.amount, status: payment.status });
      await this.updateComplete;
      this.renderRoot.querySelector("#result")?.focus();
    } catch (error) {
      this._token = null; // a declined token is spent: the next attempt tokenizes again
      this._quote = null;
      this._step = "entry";
      this._error = this.fail(error);
    }
  }

  _again() {
    this._payment = null;
    this._quote = null;
    this._token = null;
    this._consent = false;
    this._step = "entry";
    this.fields.reset();
    this.emit("payhub:selection-request", {});
  }

  // Send the host's current --payhub-* values into the iframe again (after the host changed its theme).
  refreshStyles() {
    this.fields.refreshStyles();
  }

  render() {
    if (this._fatal) return html`<div class="alert" role="alert">${this._fatal.message}</div>`;
    if (!this._ctx) return html`<p role="status">${this.t("loading")}</p>`;
    if (this._step === "done") return this._result();
    const sel = this.selection;
    const busy = this._step === "checking" || this._step === "paying";
    const kinds = this._kinds;
    return html`
      <h2>${this.t("form.title")}</h2>
      <p data-selection>${sel?.valid ? this.t("form.paying_for", { count: sel.invoices.length, total: format(sel.total, this.numberLocale) })
        : this.t("form.nothing")}</p>
      ${kinds.length > 1 ? html`<fieldset ?disabled=${busy}>
        <legend>${this.t("form.method")}</legend>
        ${kinds.map((kind) => html`<label class="choice"><input type="radio" name="kind" value=${kind}
          .checked=${this._kind === kind} @change=${() => this._switch(kind)}>${this._label(kind)}</label>`)}
      </fieldset>` : nothing}
      <div ?hidden=${this._isSaved}>${this.fields.render(this._ctx.entity,
        this.t(this.fields.kind === "ach" ? "form.ach_frame" : "form.card_frame"))}</div>
      <div class="alert" role="alert" id="errors">${this._error}${this._fieldErrors.length
        ? html`<ul>${this._fieldErrors.map((e) => html`<li>${e.message}</li>`)}</ul>` : nothing}</div>
      <div aria-live="polite" class="status" id="status">${busy ? this.t(this._step === "paying" ? "form.paying" : "form.checking") : nothing}${
        this._step === "review" && this._quote ? this._summary() : nothing}</div>
      ${this._step === "review" && this._kind === "ach" ? this._achConsent() : nothing}
      <div class="row">
        ${this._step === "review" || this._step === "paying"
          ? html`<button id="pay" type="button" ?disabled=${busy} @click=${() => this._pay()}>
              ${this.t("form.pay", { total: format(this._quote?.total, this.numberLocale) })}</button>`
          : html`<button id="review" type="button" ?disabled=${busy || !sel?.valid} @click=${() => this._review()}>
              ${this.t("form.review")}</button>`}
      </div>
    `;
  }

  _label(kind) {
    const pm = this._saved.find((x) => x.id === kind);
    return pm ? this.t("form.saved", { method: describeMethod(this.texts, pm) }) : this.t(`form.${kind}`);
  }

  _summary() {
    const q = this._quote;
    const loc = this.numberLocale;
    const percent = q.surcharge_percent && Number(q.surcharge_percent) ? q.surcharge_percent : "";
    return html`<h3 class="sr-only">${this.t("form.quote")}</h3><dl class="summary" data-quote>
      <dt>${this.t("form.invoices")}</dt><dd>${format(q.amount, loc)}</dd>
      ${q.convenience_fee?.amount ? html`<dt>${this.t("form.fee")}</dt><dd data-fee>${format(q.convenience_fee, loc)}</dd>` : nothing}
      ${q.surcharge?.amount ? html`<dt>${percent ? this.t("form.surcharge_percent", { percent }) : this.t("form.surcharge")}</dt>
        <dd data-surcharge>${format(q.surcharge, loc)}</dd>` : nothing}
      <dt class="total">${this.t("form.total")}</dt><dd class="total" data-total>${format(q.total, loc)}</dd>
    </dl>${(q.surcharge?.amount || q.convenience_fee?.amount) && (q.explanation || []).length
      ? html`<ul class="muted reasons">${q.explanation.map((line) => html`<li>${line}</li>`)}</ul>` : nothing}`;
  }

  _achConsent() {
    const text = this.t("form.ach_consent", { merchant: this.merchant || this.t("merchant"),
      total: format(this._quote?.total, this.numberLocale) });
    return html`<p><label><input type="checkbox" id="consent" .checked=${this._consent}
      aria-invalid=${this._consentError ? "true" : "false"} aria-describedby="consent-error"
      @change=${(e) => { this._consent = e.target.checked; this._consentError = ""; }}>${text}</label>
      <span class="field-error" id="consent-error" role="alert">${this._consentError}</span></p>`;
  }

  _result() {
    const p = this._payment;
    const receipt = p.receipt_number || p.id;
    const total = format(p.amount, this.numberLocale);
    const done = ["captured", "settled", "succeeded"].includes(p.status);
    return html`<div role="status" data-result>
      <h2 id="result" tabindex="-1">${this.t("form.paid_title")}</h2>
      <p>${this.t(done ? "form.paid" : "form.pending", { total, receipt })}</p>
      <p><strong data-receipt>${receipt}</strong></p>
      <button type="button" class="secondary" @click=${() => this._again()}>${this.t("form.again")}</button>
    </div>`;
  }
}

customElements.get("payhub-payment-form") || customElements.define("payhub-payment-form", PayHubPaymentForm);
