// PayHub's typed client: the request and response types are generated from PayHub's OpenAPI document
// (src/schema.ts, by openapi-typescript); openapi-fetch makes the requests. Regenerate with `make clients`.
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema.js";

export type { components, operations, paths } from "./schema.js";

export interface PayHubOptions {
  baseUrl: string; // e.g. https://payhub.example.com
  apiKey: string; // phk_… — server side only, never in a browser
  fetch?: typeof globalThis.fetch;
}

/** A client for every PayHub operation, typed by its OpenAPI document. */
export function createPayHubClient(options: PayHubOptions) {
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: options.fetch });
  const auth: Middleware = {
    onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${options.apiKey}`);
      return request;
    },
  };
  client.use(auth);
  return client;
}
