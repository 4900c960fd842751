// Money is an integer of minor units with its ISO 4217 currency, as in the API: never a float. A currency's
// exponent (USD 2, JPY 0, KWD 3) comes from Intl. User input such as "1,234.5" is parsed by string, digit by
// digit; formatting passes Intl a decimal string, so no amount goes through binary floating point.

export function exponent(currency) {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
  } catch {
    return 2;
  }
}

// "12345", 2 → "123.45"; negative amounts keep their sign.
export function toDecimal(minor, currency) {
  const exp = exponent(currency);
  const sign = minor < 0 ? "-" : "";
  const digits = String(Math.abs(minor)).padStart(exp + 1, "0");
  return exp ? `${sign}${digits.slice(0, -exp)}.${digits.slice(-exp)}` : sign + digits;
}

export function format(money, locale) {
  if (!money) return "";
  const fmt = new Intl.NumberFormat(locale || undefined, { style: "currency", currency: money.currency });
  return fmt.format(toDecimal(money.amount, money.currency)); // a string: formatted exactly
}

function decimalSeparator(locale) {
  const part = new Intl.NumberFormat(locale || undefined).formatToParts(1.5).find((p) => p.type === "decimal");
  return part ? part.value : ".";
}

// The text an amount field shows for editing: "1234.50" (with the locale's decimal separator, no grouping).
export function toInput(minor, currency, locale) {
  return toDecimal(minor, currency).replace(".", decimalSeparator(locale));
}

// Parse what a person typed into minor units. Returns an integer ≥ 0, or null if it is not an amount in this
// currency (too many decimals, letters, several decimal points). Accepts grouping ("1,234.56", "1.234,56",
// "1 234,56"), a currency symbol or code around it. A lone separator followed by exactly three digits is a
// thousands separator unless it is the locale's decimal separator.
export function parseAmount(text, currency, locale) {
  const exp = exponent(currency);
  let s = String(text ?? "")
    .replace(/[\s\u00a0\u202f'’]/g, "")
    .replace(/^[^\d.,]+|[^\d.,]+$/g, ""); // a symbol or code before or after
  if (!/^[\d.,]*\d[\d.,]*$/.test(s) && !/^[.,]\d+$/.test(s)) return null;
  const last = Math.max(s.lastIndexOf("."), s.lastIndexOf(","));
  let whole = s;
  let frac = "";
  if (last >= 0) {
    const sep = s[last];
    const after = s.slice(last + 1);
    const other = sep === "." ? "," : ".";
    const count = s.split(sep).length - 1;
    const isDecimal = s.includes(other) || (count === 1 && (after.length !== 3 || sep === decimalSeparator(locale)));
    if (isDecimal) {
      if (count > 1) return null;
      whole = s.slice(0, last);
      frac = after;
      if (whole.includes(sep)) return null;
    }
    const groups = whole.split(/[.,]/);
    if (groups.length > 1 && (!/^\d{1,3}$/.test(groups[0]) || groups.slice(1).some((g) => !/^\d{3}$/.test(g)))) {
      return null; // "1.2.3": not thousands
    }
    whole = groups.join("");
  }
  if (!/^\d*$/.test(whole) || !/^\d*$/.test(frac)) return null;
  frac = frac.replace(/0+$/, "");
  if (frac.length > exp) return null;
  const digits = (whole || "0") + frac.padEnd(exp, "0");
  const value = Number(digits.replace(/^0+(?=\d)/, ""));
  return Number.isSafeInteger(value) ? value : null;
}
