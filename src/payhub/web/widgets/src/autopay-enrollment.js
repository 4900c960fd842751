// <payhub-autopay-enrollment>: the customer's saved payment methods (GET /v1/customers/{c}/payment_methods),
// saving a new one through the hosted fields with the consent the customer ticked (and for ACH the NACHA WEB
// authorization: frequency, amount or range, how to revoke), and removing one; and enrolling in autopay
// (POST /v1/autopay_enrollments: a saved method, on the due date or N days before, an optional cap per invoice),
// showing the enrollment and cancelling it (POST /v1/autopay_enrollments/{id}/cancel).
import { html, nothing } from "lit";
import { PayHubElement } from "./base.js";
import { HostedFields } from "./hosted.js";
import { format, parseAmount, toInput } from "./money.js";
import { describeMethod } from "./methods.js";
import { shared } from "./styles.js";

// NACHA WEB authorization frequencies, as POST …/payment_methods takes them.
const FREQUENCIES = ["per_invoice", "one_time", "weekly", "monthly", "quarterly", "annually"];

export class PayHubAutopayEnrollment extends PayHubElement {
  static properties = {
    currency: { type: String },
    methods: { type: String }, // "card ach" (default), "card" or "ach"
    _methods: { state: true },
    _kind: { state: true },
    _consent: { state: true },
    _frequency: { state: true },
    _amountKind: { state: true },
    _amounts: { state: true },
    _confirm: { state: true },
    _busy: { state: true },
    _error: { state: true },
    _fieldErrors: { state: true },
    _formErrors: { state: true },
    _notice: { state: true },
    _enrollment: { state: true },
    _plan: { state: true },
  };

  static styles = shared;

  constructor() {
    super();
    this.currency = "";
    this.methods = "card ach";
    this._methods = null;
    this._kind = "card";
    this._consent = false;
    this._frequency = "per_invoice";
    this._amountKind = "range";
    this._amounts = { amount: "", min: "", max: "" };
    this._confirm = null;
    this._busy = false;
    this._error = "";
    this._fieldErrors = [];
    this._formErrors = {};
    this._notice = "";
    this._enrollment = undefined; // undefined: loading; null: none
    this._plan = { method: "", when: "due", days: "3", max: "" };
    this.fields = new HostedFields(this, { onSubmit: () => this._save() });
  }

  get _kinds() {
    const kinds = String(this.methods || "").split(/\s+/).filter((k) => k === "card" || k === "ach");
    return kinds.length ? kinds : ["card", "ach"];
  }

  get _currency() {
    return this.currency || this._ctx?.max_amount?.currency || "USD";
  }

  get _path() {
    return `v1/customers/${encodeURIComponent(this.customerId)}/payment_methods`;
  }

  willUpdate(changed) {
    super.willUpdate(changed);
    if (!this._kinds.includes(this._kind)) this._kind = this._kinds[0];
    if (this.fields.kind !== this._kind) this.fields.kind = this._kind;
  }

  ready() {
    this._load();
  }

  async _load() {
    if (!this.customerId) return;
    try {
      const page = await this.api("GET", this._path, { query: { limit: 100 } });
      this._methods = page.data || [];
      const enrollments = await this.api("GET", "v1/autopay_enrollments", { query: { customer: this.customerId, limit: 10 } });
      this._enrollment = (enrollments.data || []).find((e) => e.status !== "cancelled") || null;
    } catch (error) {
      this._error = this.fail(error, error.status === 401 || error.status === 403 || error.status === 404);
    }
  }

  _switch(kind) {
    if (kind === this._kind) return;
    this._kind = kind;
    this._consent = false;
    this._fieldErrors = [];
    this._formErrors = {};
    this.fields.reset(kind);
  }

  _describe(pm) {
    return describeMethod(this.texts, pm);
  }

  // The mandate's amount terms as money, or an error per field.
  _mandateAmounts() {
    const cur = this._currency;
    const errors = {};
    const read = (name) => {
      const value = parseAmount(this._amounts[name], cur, this.numberLocale);
      if (value === null) errors[name] = this.t("money.invalid", { example: toInput(12345, cur, this.numberLocale) });
      else if (value <= 0) errors[name] = this.t("money.zero");
      return value;
    };
    if (this._amountKind === "fixed") {
      const amount = read("amount");
      return { errors, amount: errors.amount ? null : { amount, currency: cur }, range: null };
    }
    const min = read("min");
    const max = read("max");
    if (!errors.min && !errors.max && max < min) errors.max = this.t("methods.range_order");
    const ok = !errors.min && !errors.max;
    return { errors, amount: null, range: ok ? { min: { amount: min, currency: cur }, max: { amount: max, currency: cur } } : null };
  }

  _consentText() {
    const merchant = this.merchant || this.t("merchant");
    if (this._kind === "card") return this.t("methods.consent_card", { merchant });
    const { amount, range } = this._mandateAmounts();
    const loc = this.numberLocale;
    const amountText = amount ? this.t("methods.amount_text", { amount: format(amount, loc) })
      : range ? this.t("methods.range_text", { min: format(range.min, loc), max: format(range.max, loc) }) : "…";
    return this.t("methods.consent_ach", { merchant, amount: amountText,
      frequency: this.t(`methods.freq.${this._frequency}`),
      revocation: this._revocation() });
  }

  _revocation() {
    return this.t("methods.revocation", { merchant: this.merchant || this.t("merchant") });
  }

  async _save() {
    if (this._busy) return;
    this._error = "";
    this._notice = "";
    this._fieldErrors = [];
    const formErrors = {};
    let mandate;
    if (this._kind === "ach") {
      const { errors, amount, range } = this._mandateAmounts();
      Object.assign(formErrors, errors);
      mandate = { frequency: this._frequency, amount, amount_range: range, revocation: this._revocation() };
    }
    if (!this._consent) formErrors.consent = this.t("methods.consent_required");
    this._formErrors = formErrors;
    if (Object.keys(formErrors).length) {
      await this.updateComplete;
      this.renderRoot.querySelector(`#${Object.keys(formErrors)[0]}`)?.focus();
      return;
    }
    const text = this._consentText();
    this._busy = true;
    try {
      const token = await this.fields.tokenize();
      const body = { token: token.id, consent: { text, accepted: true }, ...(mandate ? { mandate } : {}) };
      const pm = await this.api("POST", this._path, { body });
      this._notice = this.t("methods.saved", { method: this._describe(pm) });
      this._consent = false;
      this.fields.reset();
      this.emit("payhub:payment-methods-change", { added: pm.id });
      await this._load();
    } catch (error) {
      if (error.code === "cancelled") return;
      if (error.fields) this._fieldErrors = error.errors;
      else this._error = this.fail(error);
    } finally {
      this._busy = false;
    }
  }

  async _remove(pm) {
    this._busy = true;
    this._error = "";
    try {
      await this.api("DELETE", `${this._path}/${encodeURIComponent(pm.id)}`);
      this._notice = this.t("methods.removed", { method: this._describe(pm) });
      this._confirm = null;
      this.emit("payhub:payment-methods-change", { removed: pm.id });
      await this._load();
      await this.updateComplete;
      this.renderRoot.querySelector("h2")?.focus();
    } catch (error) {
      this._error = this.fail(error);
    } finally {
      this._busy = false;
    }
  }

  async _enrol() {
    if (this._busy) return;
    this._error = "";
    this._notice = "";
    const plan = this._plan;
    const method = plan.method || this._methods?.[0]?.id;
    const errors = {};
    let when = { on: "due_date" };
    if (plan.when === "before") {
      const days = Number(plan.days);
      if (!Number.isInteger(days) || days < 1 || days > 60) errors.days = this.t("autopay.days_invalid");
      else when = { days_before_due: days };
    }
    const rule = { when };
    if (String(plan.max).trim()) {
      const cur = this._currency;
      const value = parseAmount(plan.max, cur, this.numberLocale);
      if (value === null) errors.autopayMax = this.t("money.invalid", { example: toInput(12345, cur, this.numberLocale) });
      else if (value <= 0) errors.autopayMax = this.t("money.zero");
      else rule.max_per_invoice = { amount: value, currency: cur };
    }
    this._formErrors = errors;
    if (Object.keys(errors).length) return;
    this._busy = true;
    try {
      this._enrollment = await this.api("POST", "v1/autopay_enrollments",
        { body: { customer: this.customerId, payment_method: method, rule } });
      this._notice = this._enrolledText(this._enrollment);
      this.emit("payhub:autopay-change", { enrollment: this._enrollment.id, status: this._enrollment.status });
    } catch (error) {
      this._error = this.fail(error);
    } finally {
      this._busy = false;
    }
  }

  async _cancelEnrollment() {
    this._busy = true;
    this._error = "";
    try {
      const done = await this.api("POST", `v1/autopay_enrollments/${encodeURIComponent(this._enrollment.id)}/cancel`);
      this._enrollment = null;
      this._notice = this.t("autopay.cancelled");
      this.emit("payhub:autopay-change", { enrollment: done.id, status: done.status });
    } catch (error) {
      this._error = this.fail(error);
    } finally {
      this._busy = false;
    }
  }

  _enrolledText(e) {
    const when = e.rule.when.days_before_due
      ? this.t("autopay.when_before", { days: e.rule.when.days_before_due }) : this.t("autopay.when_due");
    return this.t("autopay.enrolled", { method: this._describe(e.payment_method), when });
  }

  _autopay() {
    if (this._enrollment === undefined || this._methods === null) return nothing;
    const e = this._enrollment;
    if (e) {
      return html`<section data-autopay aria-labelledby="autopay-title">
        <h3 id="autopay-title">${this.t("autopay.title")}</h3>
        <p data-enrollment=${e.id}>${this._enrolledText(e)}
          ${e.rule.max_per_invoice ? this.t("autopay.limit", { amount: format(e.rule.max_per_invoice, this.numberLocale) }) : nothing}</p>
        <p data-autopay-status>${this.t(`autopay.status.${e.status}`)}</p>
        <button type="button" class="secondary" id="autopay-cancel" ?disabled=${this._busy}
          @click=${() => this._cancelEnrollment()}>${this.t("autopay.cancel")}</button>
      </section>`;
    }
    const plan = this._plan;
    const err = this._formErrors;
    const set = (patch) => { this._plan = { ...this._plan, ...patch }; };
    return html`<section data-autopay aria-labelledby="autopay-title">
      <h3 id="autopay-title">${this.t("autopay.title")}</h3>
      <p>${this.t(this._methods.length ? "autopay.none" : "autopay.need_method")}</p>
      ${this._methods.length ? html`<fieldset ?disabled=${this._busy}>
        <legend>${this.t("autopay.enrol")}</legend>
        <div class="row"><label>${this.t("autopay.method")}
          <select id="autopay-method" @change=${(ev) => set({ method: ev.target.value })}>
            ${this._methods.map((pm) => html`<option value=${pm.id} ?selected=${plan.method === pm.id}>${this._describe(pm)}</option>`)}
          </select></label></div>
        <div role="radiogroup" aria-label=${this.t("autopay.when")} class="row">
          <label class="choice"><input type="radio" name="autopay-when" id="autopay-on-due" .checked=${plan.when === "due"}
            @change=${() => set({ when: "due" })}>${this.t("autopay.on_due")}</label>
          <label class="choice"><input type="radio" name="autopay-when" id="autopay-before" .checked=${plan.when === "before"}
            @change=${() => set({ when: "before" })}>${this.t("autopay.before_due")}</label>
        </div>
        ${plan.when === "before" ? html`<div class="row"><label>${this.t("autopay.days")}
          <input type="number" min="1" max="60" id="autopay-days" .value=${plan.days} aria-invalid=${err.days ? "true" : "false"}
            aria-describedby="autopay-days-error" @input=${(ev) => set({ days: ev.target.value })}>
          <span class="field-error" id="autopay-days-error" role="alert">${err.days || ""}</span></label></div>` : nothing}
        <div class="row"><label>${this.t("autopay.max_per_invoice")}
          <input type="text" inputmode="decimal" id="autopay-max" size="10" .value=${plan.max} aria-invalid=${err.autopayMax ? "true" : "false"}
            aria-describedby="autopay-max-error" @input=${(ev) => set({ max: ev.target.value })}>
          <span class="field-error" id="autopay-max-error" role="alert">${err.autopayMax || ""}</span></label></div>
        <div class="row"><button type="button" id="autopay-enrol" @click=${() => this._enrol()}>
          ${this.t(this._busy ? "autopay.enrolling" : "autopay.enrol")}</button></div>
      </fieldset>` : nothing}
    </section>`;
  }

  async _ask(pm) {
    this._confirm = pm ? pm.id : null;
    await this.updateComplete;
    this.renderRoot.querySelector(pm ? "#confirm-yes" : `#remove-${CSS.escape(this._lastAsked || "")}`)?.focus();
    this._lastAsked = pm?.id;
  }

  render() {
    if (this._fatal) return html`<div class="alert" role="alert">${this._fatal.message}</div>`;
    if (!this._ctx) return html`<p role="status">${this.t("loading")}</p>`;
    return html`
      <h2 tabindex="-1">${this.t("methods.title")}</h2>
      <p class="muted" data-note>${this.t("methods.note")}</p>
      <div class="alert" role="alert">${this._error}${this._fieldErrors.length
        ? html`<ul>${this._fieldErrors.map((e) => html`<li>${e.message}</li>`)}</ul>` : nothing}</div>
      <div class="status" role="status">${this._notice}</div>
      ${this._methods === null ? html`<p>${this.t("loading")}</p>` : this._list()}
      ${this._autopay()}
      ${this._form()}
    `;
  }

  _list() {
    if (!this._methods.length) return html`<p>${this.t("methods.empty")}</p>`;
    return html`<ul class="methods">${this._methods.map((pm) => {
      const name = this._describe(pm);
      return html`<li data-method=${pm.id} class="row">
        <span>${name} <span class="muted">${this.t("methods.saved_on", { date: this._date(pm.created_at) })}</span></span>
        ${this._confirm === pm.id ? html`<span role="group" aria-label=${this.t("methods.confirm", { method: name })}>
            <span>${this.t("methods.confirm", { method: name })}</span>
            <button type="button" id="confirm-yes" ?disabled=${this._busy} @click=${() => this._remove(pm)}>${this.t("methods.confirm_yes")}</button>
            <button type="button" class="secondary" @click=${() => this._ask(null)}>${this.t("methods.cancel")}</button>
          </span>`
          : html`<button type="button" class="secondary" id="remove-${pm.id}" aria-label=${this.t("methods.remove_label", { method: name })}
            @click=${() => this._ask(pm)}>${this.t("methods.remove")}</button>`}
      </li>`;
    })}</ul>`;
  }

  _form() {
    const kinds = this._kinds;
    const err = this._formErrors;
    return html`<fieldset ?disabled=${this._busy}>
      <legend>${this.t("methods.add")}</legend>
      ${kinds.length > 1 ? html`<div role="radiogroup" aria-label=${this.t("form.method")} class="row">
        ${kinds.map((kind) => html`<label class="choice"><input type="radio" name="kind" value=${kind}
          .checked=${this._kind === kind} @change=${() => this._switch(kind)}>${this.t(`form.${kind}`)}</label>`)}
      </div>` : nothing}
      ${this.fields.render(this._ctx.entity, this.t(this._kind === "card" ? "form.card_frame" : "form.ach_frame"))}
      ${this._kind === "ach" ? this._mandate() : nothing}
      <p><label><input type="checkbox" id="consent" .checked=${this._consent}
          aria-invalid=${err.consent ? "true" : "false"} aria-describedby="consent-error"
          @change=${(e) => { this._consent = e.target.checked; this._formErrors = { ...err, consent: "" }; }}>
        <span data-consent>${this._consentText()}</span></label>
        <span class="field-error" id="consent-error" role="alert">${err.consent || ""}</span></p>
      <div class="row"><button type="button" id="save" @click=${() => this._save()}>
        ${this.t(this._busy ? "methods.saving" : "methods.save")}</button></div>
    </fieldset>`;
  }

  _mandate() {
    const err = this._formErrors;
    const amountInput = (name, label) => html`<label>${label}
      <input type="text" inputmode="decimal" id=${name} size="10" .value=${this._amounts[name]}
        aria-invalid=${err[name] ? "true" : "false"} aria-describedby="${name}-error"
        @input=${(e) => { this._amounts = { ...this._amounts, [name]: e.target.value }; this._formErrors = { ...this._formErrors, [name]: "" }; }}>
      <span class="field-error" id="${name}-error" role="alert">${err[name] || ""}</span></label>`;
    return html`<fieldset data-mandate>
      <legend>${this.t("methods.mandate")}</legend>
      <div class="row"><label>${this.t("methods.frequency")}
        <select id="frequency" @change=${(e) => { this._frequency = e.target.value; }}>
          ${FREQUENCIES.map((f) => html`<option value=${f} ?selected=${this._frequency === f}>${this.t(`methods.option.${f}`)}</option>`)}
        </select></label></div>
      <div role="radiogroup" aria-label=${this.t("methods.amount_kind")} class="row">
        <label class="choice"><input type="radio" name="amount-kind" .checked=${this._amountKind === "range"}
          @change=${() => { this._amountKind = "range"; }}>${this.t("methods.amount_range")}</label>
        <label class="choice"><input type="radio" name="amount-kind" .checked=${this._amountKind === "fixed"}
          @change=${() => { this._amountKind = "fixed"; }}>${this.t("methods.amount_fixed")}</label>
      </div>
      <div class="row">${this._amountKind === "fixed" ? amountInput("amount", this.t("methods.amount_value"))
        : html`${amountInput("min", this.t("methods.amount_min"))}${amountInput("max", this.t("methods.amount_max"))}`}</div>
    </fieldset>`;
  }

  _date(iso) {
    return iso ? new Intl.DateTimeFormat(this.numberLocale, { dateStyle: "medium" }).format(new Date(iso)) : "";
  }
}

customElements.get("payhub-autopay-enrollment") || customElements.define("payhub-autopay-enrollment", PayHubAutopayEnrollment);
