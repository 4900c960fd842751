// The hosted fields' own checks, run in the iframe before the server is asked (the server checks again):
// Luhn, card length per brand, expiry in the future, CVC length per brand (amex 4, others 3), ABA checksum.

const BRANDS = [
  ["amex", /^3[47]/, [15], 4],
  ["diners", /^3(0[0-5]|[689])/, [14, 16, 19], 3],
  ["jcb", /^35/, [16, 17, 18, 19], 3],
  ["visa", /^4/, [13, 16, 19], 3],
  ["mastercard", /^(5[1-5]|2(2[2-9]|[3-6]|7[01]|720))/, [16], 3],
  ["discover", /^(6011|65|64[4-9]|622)/, [16, 19], 3],
];

export function digitsOf(text) {
  return String(text || "").replace(/[\s-]/g, "");
}

export function brandOf(number) {
  const n = digitsOf(number);
  const found = BRANDS.find(([, re]) => re.test(n));
  return found ? found[0] : "unknown";
}

export function cvcLength(brand) {
  const found = BRANDS.find(([name]) => name === brand);
  return found ? found[3] : 3;
}

export function luhn(number) {
  const n = digitsOf(number);
  if (!/^\d{12,19}$/.test(n)) return false;
  let sum = 0;
  for (let i = 0; i < n.length; i++) {
    let d = n.charCodeAt(n.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function cardNumberValid(number) {
  const n = digitsOf(number);
  const found = BRANDS.find(([, re]) => re.test(n));
  return luhn(n) && (!found || found[2].includes(n.length));
}

// "MM/YY" or "MM/YYYY" → {month, year} or null.
export function parseExpiry(text) {
  const m = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(String(text || ""));
  if (!m) return null;
  const month = Number(m[1]);
  const year = m[2].length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
  return month >= 1 && month <= 12 ? { month, year } : null;
}

// A card is good through the last day of its expiry month.
export function expired({ month, year }, now = new Date()) {
  return year * 12 + month < now.getFullYear() * 12 + now.getMonth() + 1;
}

export function abaValid(routing) {
  const r = String(routing || "").trim();
  if (!/^\d{9}$/.test(r)) return false;
  const d = [...r].map(Number);
  const sum = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8]);
  return sum % 10 === 0;
}

// Groups of four (amex 4-6-5) as the person types.
export function formatCardNumber(number) {
  const n = digitsOf(number).replace(/\D/g, "").slice(0, 19);
  const groups = brandOf(n) === "amex" ? [4, 6, 5] : [4, 4, 4, 4, 3];
  const out = [];
  let i = 0;
  for (const size of groups) {
    if (i >= n.length) break;
    out.push(n.slice(i, i + size));
    i += size;
  }
  return out.join(" ");
}
