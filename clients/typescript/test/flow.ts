// The typed client's flow against a live PayHub (PAYHUB_URL, PAYHUB_API_KEY): pay an invoice, authorize and
// capture, refund part, and read the history page by page. Every POST carries an Idempotency-Key.
import { randomUUID } from "node:crypto";
import { createPayHubClient } from "../src/index.js";

const client = createPayHubClient({ baseUrl: process.env.PAYHUB_URL!, apiKey: process.env.PAYHUB_API_KEY! });
const key = () => ({ "Idempotency-Key": randomUUID() });

function must<T>(result: { data?: T; error?: unknown }, what: string): T {
  if (result.data === undefined) throw new Error(`${what}: ${JSON.stringify(result.error)}`);
  return result.data;
}

const invoices = must(await client.GET("/v1/customers/{customer_id}/invoices",
  { params: { path: { customer_id: "cus_acme" } } }), "invoices");
const invoice = invoices.data[0];
const paid = must(await client.POST("/v1/payments", {
  params: { header: key() },
  body: { allocations: [{ invoice: invoice.id, amount: { amount: 5000, currency: "USD" } }],
          payment_method: { type: "card", token: "tok_visa" } },
}), "pay");
const authorized = must(await client.POST("/v1/payments", {
  params: { header: key() },
  body: { allocations: [{ invoice: invoice.id, amount: { amount: 2500, currency: "USD" } }],
          payment_method: { type: "card", token: "tok_visa" }, capture_method: "manual" },
}), "authorize");
const captured = must(await client.POST("/v1/payments/{payment_id}/capture", {
  params: { path: { payment_id: authorized.id }, header: key() }, body: {},
}), "capture");
const refund = must(await client.POST("/v1/refunds", {
  params: { header: key() }, body: { payment: paid.id, amount: { amount: 1000, currency: "USD" } },
}), "refund");
const seen: string[] = [];
let after: string | undefined;
for (;;) {
  const page = must(await client.GET("/v1/payments", { params: { query: { limit: 1, starting_after: after } } }),
    "history");
  seen.push(...page.data.map((p) => p.id));
  if (!page.has_more) break;
  after = page.next_cursor ?? undefined;
}
console.log(JSON.stringify({ paid: paid.id, paid_status: paid.status, authorized: authorized.status,
  captured: captured.status, refund: refund.id, refund_amount: refund.amount.amount, history: seen }));
