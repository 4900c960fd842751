// Every text the widgets and the hosted fields show, in one catalogue. English is the default; a host passes
// another language as the `strings` property (a partial object merged over these) or registers one with
// PayHub.addLocale("fr", {...}) and sets the `locale` attribute. `{name}` placeholders are filled in by t().

// The hosted-field iframe's strings: the widget sends its merged catalogue's `fields.*` part in the `init`
// message, so the iframe speaks the host's language without loading anything else.
export const FIELD_STRINGS = {
  "fields.number": "Card number",
  "fields.exp": "Expiry (MM/YY)",
  "fields.cvc": "Security code (CVC)",
  "fields.routing": "Routing number",
  "fields.account": "Account number",
  "fields.account_type": "Account type",
  "fields.checking": "Checking",
  "fields.savings": "Savings",
  "fields.holder": "Account holder name",
  "fields.number.required": "Enter your card number.",
  "fields.number.invalid": "This card number is not valid. Check the digits.",
  "fields.exp.invalid": "Enter the expiry date as MM/YY.",
  "fields.exp.expired": "This card has expired.",
  "fields.cvc.invalid": "Enter the {length}-digit security code.",
  "fields.routing.invalid": "This routing number is not valid. It has 9 digits and is printed on your checks.",
  "fields.account.invalid": "Enter an account number of 4 to 17 digits.",
  "fields.holder.required": "Enter the name on the account.",
  "fields.error": "These details could not be checked. Try again.",
};

// The widgets' own strings (a plain literal, so the iframe's bundle leaves it out).
export const STRINGS = {
  loading: "Loading…",
  retry: "Try again",
  close: "Close",
  "money.invalid": "Enter an amount such as {example}.",
  "money.zero": "Enter an amount above zero.",
  "money.too_high": "This is more than the {max} due.",

  "invoices.title": "Open invoices",
  "invoices.empty": "You have no open invoices.",
  "invoices.select_all": "Select all invoices",
  "invoices.select": "Pay invoice {number}",
  "invoices.number": "Invoice",
  "invoices.due": "Due",
  "invoices.overdue": "overdue",
  "invoices.balance": "Balance due",
  "invoices.amount": "Amount to pay",
  "invoices.amount_label": "Amount to pay on invoice {number}",
  "invoices.total": "Total to pay",
  "invoices.summary": "{count} selected, total {total}",
  "invoices.none_selected": "No invoice selected",
  "invoices.currencies": "Invoices in different currencies cannot be paid together.",

  "form.title": "Payment",
  "form.method": "Pay with",
  "form.card": "Card",
  "form.ach": "Bank account (ACH)",
  "form.saved": "Saved: {method}",
  "form.card_frame": "Card details",
  "form.ach_frame": "Bank account details",
  "form.nothing": "Select the invoices to pay.",
  "form.paying_for": "Paying {count} invoices: {total}",
  "form.paying_for.one": "Paying 1 invoice: {total}",
  "form.review": "Review payment",
  "form.checking": "Checking your details…",
  "form.quote": "Payment summary",
  "form.invoices": "Invoices",
  "form.fee": "Convenience fee",
  "form.surcharge": "Surcharge",
  "form.surcharge_percent": "Surcharge ({percent}%)",
  "form.total": "Total",
  "form.pay": "Pay {total}",
  "form.paying": "Processing your payment…",
  "form.edit": "Change payment details",
  "form.ach_consent": "I authorize {merchant} to debit {total} from this bank account once, today. I can revoke this authorization by contacting {merchant} before the debit is made.",
  "form.ach_consent_required": "Tick the box to authorize the debit.",
  "form.paid_title": "Payment received",
  "form.paid": "Thank you. {total} was paid. Your receipt number is {receipt}.",
  "form.pending": "Your payment of {total} was accepted and is being processed. Your receipt number is {receipt}.",
  "form.again": "Make another payment",
  "form.failed": "The payment did not go through: {reason}",

  "history.title": "Payment history",
  "history.empty": "No payments yet.",
  "history.date": "Date",
  "history.receipt": "Receipt",
  "history.method": "Method",
  "history.invoices": "Invoices",
  "history.amount": "Amount",
  "history.status": "Status",
  "history.refund": "Refund",
  "history.prev": "Newer payments",
  "history.next": "Older payments",
  "history.page": "Page {page}",
  "history.card": "{brand} ending {last4}",
  "history.bank": "Bank account ending {last4}",
  "status.captured": "Paid",
  "status.settled": "Settled",
  "status.authorized": "Authorized",
  "status.requires_capture": "Authorized",
  "status.processing": "Processing",
  "status.pending": "Pending",
  "status.failed": "Failed",
  "status.voided": "Voided",
  "status.refunded": "Refunded",
  "status.partially_refunded": "Partly refunded",
  "status.succeeded": "Done",

  "methods.title": "Saved payment methods",
  "methods.note": "Save a card or bank account for faster payments. Automatic payments (autopay enrollment) will be offered here in a later release; saving a method does not schedule any payment.",
  "methods.empty": "No saved payment methods.",
  "methods.card": "{brand} ending {last4}, expires {exp}",
  "methods.bank": "{type} account ending {last4}",
  "methods.saved_on": "saved {date}",
  "methods.remove": "Remove",
  "methods.remove_label": "Remove {method}",
  "methods.confirm": "Remove {method}? This cannot be undone.",
  "methods.confirm_yes": "Yes, remove",
  "methods.cancel": "Cancel",
  "methods.removed": "{method} was removed.",
  "methods.add": "Add a payment method",
  "methods.save": "Save payment method",
  "methods.saving": "Saving…",
  "methods.saved": "{method} was saved.",
  "methods.consent_card": "I authorize {merchant} to store this card and to charge it for payments I approve, until I remove it here.",
  "methods.consent_ach": "I authorize {merchant} to debit this bank account by ACH {frequency}, {amount}. This authorization stays in effect until I revoke it. {revocation}",
  "methods.consent_required": "Tick the box to give your consent.",
  "methods.frequency": "How often",
  "methods.freq.per_invoice": "for each invoice payment I approve",
  "methods.freq.one_time": "once",
  "methods.freq.weekly": "weekly",
  "methods.freq.monthly": "monthly",
  "methods.freq.quarterly": "quarterly",
  "methods.freq.annually": "once a year",
  "methods.option.per_invoice": "Each invoice payment I approve",
  "methods.option.one_time": "One time",
  "methods.option.weekly": "Weekly",
  "methods.option.monthly": "Monthly",
  "methods.option.quarterly": "Quarterly",
  "methods.option.annually": "Annually",
  "methods.amount_kind": "Amount",
  "methods.amount_fixed": "A fixed amount",
  "methods.amount_range": "Between a minimum and a maximum",
  "methods.amount_value": "Amount",
  "methods.amount_min": "Minimum",
  "methods.amount_max": "Maximum",
  "methods.amount_text": "for {amount} each time",
  "methods.range_text": "for between {min} and {max} each time",
  "methods.range_order": "The maximum must be at least the minimum.",
  "methods.revocation": "I can revoke it at any time by removing this account here or by contacting {merchant}, at least 3 business days before a debit.",
  "methods.mandate": "ACH debit authorization",

  merchant: "the merchant",

  "error.invalid_customer_token": "Your session has expired or is not valid. Please reload the page or sign in again.",
  "error.customer_mismatch": "This session belongs to a different customer account, so nothing is shown. Please sign in again.",
  "error.origin_not_allowed": "Payments cannot be shown on this website: its address is not on the merchant's list of allowed sites.",
  "error.customer_not_found": "This account's information is not available with this session. Please sign in again.",
  "error.not_found": "This account's information is not available with this session. Please sign in again.",
  "error.network_error": "PayHub could not be reached from this page. Check your connection and try again; if it keeps failing, this website may not be allowed to take payments through PayHub.",
  "error.card_declined": "Your card was declined. Try another card or contact your bank.",
  "error.insufficient_funds": "The payment was declined for insufficient funds. Try another payment method.",
  "error.expired_card": "This card has expired.",
  "error.card_invalid": "These payment details are not valid.",
  "error.token_already_used": "These payment details were already used. Please review the payment again.",
  "error.rate_limited": "Too many attempts. Wait a moment and try again.",
  "error.validation_error": "Some details are not valid: {detail}",
  "error.generic": "Something went wrong: {detail}",
};

const locales = { en: {} };

export function addLocale(name, strings) {
  locales[name] = { ...(locales[name] || {}), ...strings };
}

// The catalogue an element uses: English, then its `locale`, then its own `strings` overrides.
export function catalogue(locale, overrides) {
  return { ...FIELD_STRINGS, ...STRINGS, ...(locale && locales[locale]), ...(overrides || {}) };
}

// t(strings, "form.paying_for", {count: 1, …}) uses "form.paying_for.one" when there is one.
export function t(strings, key, vars) {
  if (vars && vars.count === 1 && (strings[`${key}.one`] ?? STRINGS[`${key}.one`])) key = `${key}.one`;
  let text = strings[key] ?? STRINGS[key] ?? FIELD_STRINGS[key] ?? key;
  if (vars) text = text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  return text;
}
