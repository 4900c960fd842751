"""The web layer's routes (mounted by payhub.api.app): widget scripts, the hosted-field page, the embed pages and
the script manifest. Thin: the pages are rendered by pages.py, the allow-lists read through admin/portal_settings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException

from payhub import __version__
from payhub.admin.portal_settings import any_entity_origins, entity_origins, normalize_origin
from payhub.auth.keys import CUSTOMER_TOKEN_PREFIX
from payhub.services import Services
from payhub.store.repo import find_customer_token
from payhub.web import pages
from payhub.web.assets import Assets, Script

SCRIPT_CACHE = "public, max-age=300, must-revalidate"  # a stable URL: revalidated (ETag) every 5 minutes
TOKEN_MAX = 200

router = APIRouter(include_in_schema=False)  # pages and scripts: not API operations
api_router = APIRouter(tags=["widgets"])  # the manifest, under /v1


def _services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def assets(request: Request) -> Assets:
    return request.app.state.widget_assets  # type: ignore[no-any-return]


def own_origin(request: Request) -> str:
    """PayHub's origin as this request reached it (the API the pages call, and their own)."""
    return normalize_origin(f"{request.url.scheme}://{request.url.netloc}") or f"{request.url.scheme}://localhost"


@router.get("/widgets/v1/{name}")
async def widget_script(name: str, request: Request) -> Response:
    """A widget script: stable URL, ETag = its SRI hash; readable cross-origin (it holds no data), so a host page
    can load it with `<script crossorigin integrity>`."""
    script = assets(request).get(name)
    if script is None:
        raise HTTPException(404)
    headers = {"ETag": script.etag, "Cache-Control": SCRIPT_CACHE, "Access-Control-Allow-Origin": "*",
               "Cross-Origin-Resource-Policy": "cross-origin", "X-Content-Type-Options": "nosniff"}
    if script.etag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers=headers)
    return Response(script.body, media_type="text/javascript", headers=headers)


def _page(page: pages.Page) -> HTMLResponse:
    return HTMLResponse(page.html, page.status, headers=page.headers())


@router.get("/hosted/fields")
def hosted_fields(request: Request, entity: Annotated[str, Query(max_length=64)] = "",
                  parent: Annotated[str, Query(max_length=300)] = "",
                  kind: Annotated[str, Query(max_length=10)] = "card") -> HTMLResponse:
    """The hosted card/ACH field page, for a parent page on one of the entity's allowed origins."""
    svc, own = _services(request), own_origin(request)
    allowed = entity_origins(svc.caches, svc.readers, entity) if entity else None
    ancestors = ("'self'", *sorted(allowed or ()))
    origin = normalize_origin(parent)
    if allowed is None or origin is None or (origin not in allowed and origin != own):
        return _page(pages.message(400, "This payment form cannot be shown here",
                                   "The page embedding it is not one its merchant has approved. The merchant can "
                                   "add the page's origin to its allowed origins in PayHub's portal settings.",
                                   frame_ancestors=ancestors if allowed is not None else ()))
    if kind not in pages.KINDS:
        return _page(pages.message(400, "Unknown payment method", "The payment form asked for fields PayHub "
                                   "does not have.", frame_ancestors=ancestors))
    script = assets(request).get("hosted-fields.js")
    if script is None:
        return _page(pages.message(503, "Payment form unavailable", "PayHub's hosted-field script is not "
                                   "installed (build src/payhub/web/widgets).", frame_ancestors=ancestors))
    return _page(pages.hosted_fields(kind=kind, parent=origin, api=own, entity_id=entity, script=script,
                                     allowed_origins=sorted({*allowed, own}), frame_ancestors=ancestors))


@router.get("/embed/{widget}")
def embed(widget: str, request: Request, token: Annotated[str, Query(max_length=TOKEN_MAX)] = "") -> HTMLResponse:
    """One widget in a full page, framed by a page on the token's entity's allowed origins and sized to its
    content. An unknown or expired token gets a message and nothing else."""
    svc = _services(request)
    everywhere = sorted(any_entity_origins(svc.caches, svc.readers))
    scripts = [s for s in (assets(request).get("embed.js"),) if s is not None]
    if widget not in pages.WIDGETS:
        return _page(pages.message(404, "Not found", "There is no such PayHub widget.",
                                   frame_ancestors=tuple(everywhere), allowed_origins=everywhere, scripts=scripts))
    found = None
    if token.startswith(CUSTOMER_TOKEN_PREFIX):
        with svc.read() as s:
            found = find_customer_token(s, token, svc.clock.now())
    if found is None:
        return _page(pages.message(401, "This link has expired",
                                   "The link to this page is no longer valid. Reload the page you came from, or "
                                   "ask the company that sent it for a new link.",
                                   frame_ancestors=tuple(everywhere), allowed_origins=everywhere, scripts=scripts))
    allowed = sorted(entity_origins(svc.caches, svc.readers, found.entity_id) or ())
    widgets = assets(request).get("payhub.js")
    if widgets is None:
        return _page(pages.message(503, "Unavailable", "PayHub's widget script is not installed (build "
                                   "src/payhub/web/widgets).", frame_ancestors=tuple(allowed),
                                   allowed_origins=allowed, scripts=scripts))
    return _page(pages.embed(widget=widget, api=own_origin(request), token=token, allowed_origins=allowed,
                             scripts=[widgets, *scripts]))


LOADED_BY = {
    "payhub.js": ["the merchant's payment page (the snippet below)", "/embed/{widget}"],
    "hosted-fields.js": ["/hosted/fields (the card and bank-account iframe)"],
    "embed.js": ["/embed/{widget}"],
}


@api_router.get("/widgets/manifest", operation_id="get_widget_manifest")
async def manifest(request: Request) -> JSONResponse:
    """Every script the widgets' payment pages load, with its SRI hash, size and purpose: the inventory and
    integrity evidence PCI DSS 4.0.1 requirements 6.4.3 and 11.6.1 ask of a merchant's payment page. Public."""
    base = own_origin(request)
    scripts = assets(request).all()

    def entry(s: Script) -> dict[str, Any]:
        return {"name": s.name, "url": f"{base}/widgets/v1/{s.name}", "integrity": s.integrity, "size": len(s.body),
                "content_type": "text/javascript", "purpose": s.purpose, "loaded_by": LOADED_BY[s.name]}

    widgets = next((s for s in scripts if s.name == "payhub.js"), None)
    body = {
        "object": "widget_manifest", "payhub_version": __version__, "scripts": [entry(s) for s in scripts],
        "snippet": pages.script_tag(f"{base}/widgets/v1/payhub.js", widgets) if widgets else None,
        "pages": [
            {"url": f"{base}/hosted/fields", "scripts": [f"{base}/widgets/v1/hosted-fields.js"],
             "inline_scripts": [], "integrity": "SRI (sha384) on every script; Content-Security-Policy "
             "script-src 'self', frame-ancestors the entity's allowed origins"},
            {"url": f"{base}/embed/{{widget}}", "scripts": [f"{base}/widgets/v1/payhub.js",
                                                           f"{base}/widgets/v1/embed.js"],
             "inline_scripts": [], "integrity": "SRI (sha384) on every script; Content-Security-Policy "
             "script-src 'self'"},
        ],
    }
    return JSONResponse(body, headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "no-cache"})
