// The script of PayHub's /embed pages (a widget in a full page, for hosts that cannot load scripts).
// It tells the framing page the page's height, {"type": "payhub:resize", "height": N}, and the widget's events,
// {"type": "payhub:event", "event": "payhub:paid", "detail": {...}}, by postMessage to the parent's origin only
// when that origin is on the entity's allow-list (never "*").
const config = JSON.parse(document.getElementById("payhub-embed").textContent);
const allowed = new Set(config.allowed_origins || []);

function parentOrigins() {
  if (window.parent === window) return [];
  const ancestors = window.location.ancestorOrigins;
  if (ancestors && ancestors.length) return allowed.has(ancestors[0]) ? [ancestors[0]] : [];
  if (document.referrer) {
    try {
      const origin = new URL(document.referrer).origin;
      if (allowed.has(origin)) return [origin];
    } catch (_) { /* not a URL: fall through */ }
  }
  // The parent's origin is unknown: a message addressed to an origin is delivered only if the parent has it.
  return [...allowed];
}

const targets = parentOrigins();

function post(message) {
  for (const origin of targets) window.parent.postMessage(message, origin);
}

let last = -1;
function resize() {
  const height = Math.ceil(document.body.getBoundingClientRect().height);
  if (height !== last) {
    last = height;
    post({ type: "payhub:resize", height });
  }
}

new ResizeObserver(resize).observe(document.body);
resize();
for (const name of ["payhub:paid", "payhub:error", "payhub:selection-change"]) {
  document.addEventListener(name, (event) => {
    post({ type: "payhub:event", event: name, detail: JSON.parse(JSON.stringify(event.detail ?? null)) });
  });
}
