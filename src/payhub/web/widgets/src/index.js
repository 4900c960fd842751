// payhub.js: one ES module that registers the four widgets and exports a small PayHub helper (also set as
// window.PayHub for pages that use classic scripts).
import { PayHubInvoiceList } from "./invoice-list.js";
import { PayHubPaymentForm } from "./payment-form.js";
import { PayHubPaymentHistory } from "./payment-history.js";
import { PayHubAutopayEnrollment } from "./autopay-enrollment.js";
import { addLocale as register, STRINGS, FIELD_STRINGS } from "./strings.js";
import { refreshAll } from "./base.js";
import { parseAmount, format } from "./money.js";
import { THEME } from "./theme.js";

let resizing = null;

// Register (or extend) a language; widgets with that `locale` show it at once.
export function addLocale(name, strings) {
  register(name, strings);
  refreshAll();
}

// For a page that shows a widget inside an iframe (PayHub's /embed/{widget} pages do this with their own
// embed.js): tell the framing page the content's height whenever it changes, {"type":"payhub:resize","height":N},
// addressed to `targetOrigin` (by default the framing page's origin as the browser reports it; never "*").
// Started once; later calls return the same stop function.
export function autoResize({ targetOrigin } = {}) {
  if (resizing) return resizing;
  let origin = targetOrigin || location.ancestorOrigins?.[0];
  if (!origin) {
    try {
      origin = new URL(document.referrer).origin;
    } catch {
      origin = null;
    }
  }
  if (window.parent === window || !origin || origin === "*" || origin === "null") return () => {};
  let last = 0;
  const observer = new ResizeObserver(() => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: "payhub:resize", height }, origin);
    }
  });
  observer.observe(document.documentElement);
  resizing = () => {
    observer.disconnect();
    resizing = null;
  };
  return resizing;
}

export const PayHub = Object.freeze({
  version: "1",
  addLocale,
  autoResize,
  strings: STRINGS,
  fieldStrings: FIELD_STRINGS,
  theme: THEME,
  parseAmount,
  formatMoney: format,
  elements: { PayHubInvoiceList, PayHubPaymentForm, PayHubPaymentHistory, PayHubAutopayEnrollment },
});

window.PayHub = PayHub;

export { PayHubInvoiceList, PayHubPaymentForm, PayHubPaymentHistory, PayHubAutopayEnrollment };
