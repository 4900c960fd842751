"""The hosted-field page's defences, in real Chromium: only the entity's allowed origins can frame it
(Content-Security-Policy frame-ancestors), and its script ignores postMessage from any other origin.

The host page is on http://127.0.0.1:P2 (allow-listed); the same server named http://localhost:P2 is a foreign
origin, on no list; PayHub is on http://localhost:P."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Frame, Page

from tests.browser.conftest import HostServer, PayHubServer

# Every message the page's window receives, recorded before any of the page's own scripts run (top window only).
RECORD = """
if (window.top === window) {
  window.__got = [];
  window.addEventListener("message", (e) => window.__got.push({origin: e.origin, data: e.data}), true);
}
"""


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context()
    ctx.add_init_script(RECORD)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    yield page
    page.close()


def fields_url(payhub: PayHubServer, parent: str, kind: str = "card") -> str:
    return f"{payhub.url}/hosted/fields?entity={payhub.entity_id}&parent={parent}&kind={kind}"


def framing(src: str, *, frame_id: str = "fields") -> str:
    return f'<!doctype html><html><body><h1>Portal</h1><iframe id="{frame_id}" src="{src}"></iframe></body></html>'


def loaded_frame(page: Page, selector: str) -> Frame:
    """The frame of an <iframe>, once its document has loaded (or failed to)."""
    handle = page.wait_for_selector(selector, state="attached")
    assert handle is not None
    frame = handle.content_frame()
    assert frame is not None
    frame.wait_for_load_state("load")
    return frame


def shows_fields(frame: Frame) -> bool:
    return frame.evaluate("() => !!document.getElementById('number')") if _readable(frame) else False


def _readable(frame: Frame) -> bool:
    """Whether the frame holds a PayHub document (a blocked frame holds Chromium's error page instead)."""
    return frame.url.startswith("http://localhost") and frame.evaluate("() => location.protocol") == "http:"


def test_an_allowed_origin_can_frame_the_fields(page: Page, payhub_server: PayHubServer,
                                                host_server: HostServer) -> None:
    """The control for the test below: the same markup on the allow-listed origin shows the card fields."""
    page.goto(host_server.page(framing(fields_url(payhub_server, host_server.origin))))
    frame = loaded_frame(page, "#fields")
    assert shows_fields(frame)
    page.wait_for_function("() => window.__got.some(m => m.data && m.data.type === 'ready')")
    ready = page.evaluate("() => window.__got.find(m => m.data && m.data.type === 'ready')")
    assert ready == {"origin": payhub_server.url, "data": {"source": "payhub-hosted-fields", "type": "ready"}}


@pytest.mark.parametrize("claimed_parent", ["allowed", "foreign"])
def test_a_foreign_origin_cannot_frame_the_fields(claimed_parent: str, page: Page, payhub_server: PayHubServer,
                                                  host_server: HostServer) -> None:
    """A page on an origin off the allow-list frames the hosted fields, naming an allowed parent (PayHub serves the
    fields) or itself (PayHub refuses): either way Chromium refuses to render the frame (CSP frame-ancestors), so
    no input is ever shown to the page and nothing is posted to it."""
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "frame-ancestors" in m.text else None)
    parent = host_server.origin if claimed_parent == "allowed" else host_server.foreign_origin
    page.goto(host_server.foreign_page(framing(fields_url(payhub_server, parent))))
    frame = loaded_frame(page, "#fields")
    assert not shows_fields(frame)
    page.wait_for_function("() => true")  # a round trip: console events sent before it have been delivered
    assert blocked, "Chromium did not report blocking the frame"
    assert "violates the following Content Security Policy directive" in blocked[0]
    assert f"frame-ancestors 'self' {host_server.origin}" in blocked[0]  # the allow-list, not the foreign origin
    assert page.evaluate("() => window.__got") == []


def test_a_foreign_origin_cannot_frame_an_allowed_page_that_frames_the_fields(
        page: Page, payhub_server: PayHubServer, host_server: HostServer) -> None:
    """frame-ancestors checks every ancestor: an allowed portal page framed by a foreign one shows no fields."""
    portal = host_server.page(framing(fields_url(payhub_server, host_server.origin)))
    page.goto(host_server.foreign_page(framing(portal, frame_id="portal")))
    portal_frame = loaded_frame(page, "#portal")
    inner = portal_frame.wait_for_selector("#fields", state="attached")
    assert inner is not None
    fields = inner.content_frame()
    assert fields is not None
    fields.wait_for_load_state("load")
    assert not shows_fields(fields)


# A page on the foreign origin, framed beside the hosted fields by the allowed host page: on "go" it posts to the
# fields' window exactly what the widget would (an init with a token and a theme, then tokenize), then tells the
# host page it is done. It can reach the fields' window (parent.frames[0]) but is not their parent nor allowed.
EVIL = """<!doctype html><html><body><script>
window.addEventListener("message", (e) => {
  if (e.data !== "go") return;
  const fields = parent.frames[0];
  fields.postMessage({source: "payhub", type: "init", token: "pht_evil",
                      styles: {"--payhub-color-primary": "rgb(255, 0, 0)"}}, "*");
  fields.postMessage({source: "payhub", type: "tokenize"}, "*");
  fields.postMessage({source: "payhub", type: "focus"}, "*");
  parent.postMessage("evil-done", "*");
});
</script></body></html>"""


def answers(page: Page) -> list[dict[str, Any]]:
    """What the hosted fields answered the host page (anything but ready/resize/change)."""
    got = page.evaluate("() => window.__got")
    return [m for m in got if isinstance(m["data"], dict) and m["data"].get("source") == "payhub-hosted-fields"
            and m["data"].get("type") not in ("ready", "resize", "change")]


def test_the_fields_ignore_messages_from_a_foreign_origin(page: Page, payhub_server: PayHubServer,
                                                          host_server: HostServer) -> None:
    tokens: list[str] = []
    page.on("request", lambda r: tokens.append(r.url) if "/v1/tokens" in r.url else None)
    evil = host_server.foreign_page(EVIL)
    page.goto(host_server.page(
        f'<!doctype html><html><body><iframe id="fields" src="{fields_url(payhub_server, host_server.origin)}">'
        f'</iframe><iframe id="evil" src="{evil}"></iframe></body></html>'))
    fields = loaded_frame(page, "#fields")
    loaded_frame(page, "#evil")
    page.wait_for_function("() => window.__got.some(m => m.data && m.data.type === 'ready')")

    page.evaluate("() => document.getElementById('evil').contentWindow.postMessage('go', '*')")
    page.wait_for_function("() => window.__got.some(m => m.data === 'evil-done')")
    # Then the real parent asks, after the foreign messages were queued: its tokenize (of empty fields) is answered
    # with "invalid"; had the foreign tokenize been obeyed, a second answer would have come first.
    page.evaluate("""([origin]) => {
      const fields = document.getElementById('fields').contentWindow;
      fields.postMessage({source: 'payhub', type: 'init', token: 'pht_parent',
                          styles: {'--payhub-color-primary': 'rgb(0, 128, 0)'}}, origin);
      fields.postMessage({source: 'payhub', type: 'tokenize'}, origin);
    }""", [payhub_server.url])
    page.wait_for_function("() => window.__got.some(m => m.data && m.data.type === 'invalid')")
    got = answers(page)
    assert [m["data"]["type"] for m in got] == ["invalid"], json.dumps(got)
    assert got[0]["origin"] == payhub_server.url
    primary = fields.evaluate(
        "() => getComputedStyle(document.documentElement).getPropertyValue('--payhub-color-primary').trim()")
    assert primary == "rgb(0, 128, 0)"  # the parent's theme; the foreign one was never applied
    assert fields.evaluate("() => document.activeElement.id") == "number"  # focused by the invalid answer only
    assert tokens == []  # nothing was sent to /v1/tokens
