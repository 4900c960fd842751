// The CSS custom properties a host sets to theme the widgets, with their defaults. The widgets read them where
// they are (they inherit into shadow DOM); the hosted-field iframe cannot inherit, so the widget forwards their
// computed values in the `init` message and the iframe applies them to its :root (these names only, sanitised).

export const THEME = {
  "--payhub-color-primary": "#1f5fd1",
  "--payhub-color-text": "#1d2433",
  "--payhub-color-background": "#ffffff",
  "--payhub-color-error": "#b3261e",
  "--payhub-color-border": "#8a93a6",
  "--payhub-font-family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  "--payhub-font-size": "16px",
  "--payhub-radius": "6px",
  "--payhub-spacing": "12px",
  "--payhub-focus-ring": "", // a colour; by default the primary colour
};

// A value is kept only if it cannot leave its declaration: no url( (no requests), no ; { } (no new rules),
// no < \ (no markup, no escapes), and short.
export function safeValue(value) {
  const v = String(value ?? "").trim();
  if (!v || v.length > 200 || /url\(|image-set\(|expression|[;{}<>\\]|@import/i.test(v)) return null;
  return v;
}

export function themeOf(element) {
  const style = getComputedStyle(element);
  const out = {};
  for (const [name, fallback] of Object.entries(THEME)) {
    out[name] = safeValue(style.getPropertyValue(name)) || fallback || out["--payhub-color-primary"];
  }
  return out;
}

// `var(--payhub-x, default)` for the widgets' own CSS.
export function v(name) {
  return `var(${name}, ${THEME[name] || v("--payhub-color-primary")})`;
}
