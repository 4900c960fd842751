// The widgets' shared look. Every colour, font, radius and spacing comes from a --payhub-* custom property
// (inherited from the host page, through any shadow roots), with the defaults in theme.js.
import { css, unsafeCSS } from "lit";
import { THEME, v } from "./theme.js";

// --_color-primary: var(--payhub-color-primary, #1f5fd1); … (the focus ring falls back to the primary colour)
const vars = unsafeCSS(Object.keys(THEME).map((name) => `--_${name.slice(9)}:${v(name)};`).join(""));

export const shared = css`
  :host {
    ${vars}
    display: block;
    box-sizing: border-box;
    font-family: var(--_font-family);
    font-size: var(--_font-size);
    line-height: 1.45;
    color: var(--_color-text);
    background: var(--_color-background);
  }
  :host([hidden]) { display: none; }
  *, *::before, *::after { box-sizing: inherit; }
  h2 { font-size: 1.2em; margin: 0 0 var(--_spacing); }
  p { margin: 0 0 var(--_spacing); }
  table { width: 100%; border-collapse: collapse; margin-bottom: var(--_spacing); }
  caption { text-align: start; font-weight: 600; font-size: 1.2em; margin-bottom: calc(var(--_spacing) / 2); }
  th, td { text-align: start; padding: calc(var(--_spacing) / 2); border-bottom: 1px solid var(--_color-border); vertical-align: top; }
  th { font-weight: 600; }
  .num { text-align: end; font-variant-numeric: tabular-nums; white-space: nowrap; }
  button {
    font: inherit; cursor: pointer; border-radius: var(--_radius);
    padding: calc(var(--_spacing) * .6) calc(var(--_spacing) * 1.2);
    border: 1px solid var(--_color-primary); background: var(--_color-primary); color: var(--_color-background);
  }
  button.secondary { background: transparent; color: var(--_color-primary); }
  button.link { border: 0; background: none; color: var(--_color-primary); padding: 0; text-decoration: underline; }
  button:disabled { opacity: .55; cursor: not-allowed; }
  input[type="text"], input:not([type]), select {
    font: inherit; color: var(--_color-text); background: var(--_color-background);
    border: 1px solid var(--_color-border); border-radius: var(--_radius); padding: calc(var(--_spacing) / 2);
  }
  input[type="checkbox"], input[type="radio"] { width: 1.15em; height: 1.15em; accent-color: var(--_color-primary); margin: 0 .4em 0 0; vertical-align: -.15em; }
  :focus-visible, input:focus, select:focus { outline: 3px solid var(--_focus-ring); outline-offset: 2px; }
  [aria-invalid="true"] { border-color: var(--_color-error); border-width: 2px; }
  .error { color: var(--_color-error); }
  .field-error { color: var(--_color-error); font-size: .9em; display: block; margin-top: 2px; }
  .alert:empty, .status:empty { display: none; }
  .alert { color: var(--_color-error); border: 1px solid var(--_color-error); border-radius: var(--_radius);
    padding: calc(var(--_spacing) / 2) var(--_spacing); margin-bottom: var(--_spacing); }
  .alert ul { margin: 0; padding-inline-start: 1.2em; }
  .status { margin-bottom: var(--_spacing); }
  .muted { opacity: .8; font-size: .92em; }
  .row { display: flex; flex-wrap: wrap; gap: var(--_spacing); align-items: center; margin-bottom: var(--_spacing); }
  fieldset { border: 1px solid var(--_color-border); border-radius: var(--_radius); padding: var(--_spacing); margin: 0 0 var(--_spacing); }
  legend { font-weight: 600; padding: 0 .3em; }
  label.choice { display: inline-flex; align-items: center; margin-inline-end: var(--_spacing); }
  iframe { display: block; width: 100%; border: 0; min-height: 60px; background: transparent; margin-bottom: var(--_spacing); }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  dl.summary { display: grid; grid-template-columns: 1fr auto; row-gap: calc(var(--_spacing) / 3); margin: 0 0 var(--_spacing); }
  dl.summary dt { margin: 0; }
  dl.summary dd { margin: 0; padding-inline-start: var(--_spacing); text-align: end; font-variant-numeric: tabular-nums; }
  ul.reasons { margin: 0 0 var(--_spacing); padding-inline-start: 1.2em; }
  dl.summary .total { font-weight: 700; border-top: 1px solid var(--_color-border); padding-top: calc(var(--_spacing) / 3); }
  .badge { font-size: .8em; color: var(--_color-error); font-weight: 600; margin-inline-start: .4em; }
`;
