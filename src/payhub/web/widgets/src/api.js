// The widgets' only door to PayHub: its public API, with the customer token as bearer. Failures become
// ApiError with the problem+json `code` (or network_error when PayHub cannot be reached).

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || problem.code || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || (status === 401 ? "invalid_customer_token" : status === 404 ? "not_found"
      : status === 429 ? "rate_limited" : status === 422 ? "validation_error" : status ? `http_${status}` : "network_error");
    this.detail = problem.detail || problem.title || "";
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
  }
}

export async function request(base, token, method, path, { body, headers, query } = {}) {
  const url = new URL(path, base.endsWith("/") ? base : `${base}/`);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, String(value));
  }
  let response;
  try {
    response = await fetch(url, {
      method,
      mode: "cors",
      credentials: "omit",
      headers: { Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}),
        ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(headers || {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError(0, { code: "network_error" });
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data || {});
  return data;
}

// One Idempotency-Key per payment attempt. randomUUID exists in secure contexts; elsewhere a v4 UUID from
// getRandomValues.
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
