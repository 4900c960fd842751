// How a card or bank account reads to a person: "Visa ending 4242, expires 12/30", "Checking account ending 6789".
import { t } from "./strings.js";

export function brandName(brand) {
  const names = { visa: "Visa", mastercard: "Mastercard", amex: "American Express", discover: "Discover",
    diners: "Diners Club", jcb: "JCB" };
  return names[brand] || (brand ? brand[0].toUpperCase() + brand.slice(1) : "Card");
}

// A saved payment method (or anything with a `card` or `ach` summary), in the element's language.
export function describeMethod(strings, pm) {
  if (pm.card) {
    const exp = `${String(pm.card.exp_month).padStart(2, "0")}/${String(pm.card.exp_year).slice(-2)}`;
    return t(strings, "methods.card", { brand: brandName(pm.card.brand), last4: pm.card.last4, exp });
  }
  const type = t(strings, pm.ach?.account_type === "savings" ? "fields.savings" : "fields.checking");
  return t(strings, "methods.bank", { type, last4: pm.ach?.last4 || "····" });
}
