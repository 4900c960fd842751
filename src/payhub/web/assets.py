"""The scripts PayHub serves at stable URLs (`/widgets/v1/<name>`), each with its SRI hash (sha384).

`payhub.js` (the four widgets) and `hosted-fields.js` (the hosted-field page's script) are built from `widgets/`
into `static/` and committed; `embed.js` (sizes /embed pages) is a page script of this package. A script's bytes
and hash are read once, on first use; a missing one is None (not built)."""

from __future__ import annotations

import base64
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
STATIC = HERE / "static"
PAGES = HERE / "pages"


@dataclass(frozen=True)
class Script:
    name: str
    purpose: str
    body: bytes

    @property
    def integrity(self) -> str:
        """The Subresource Integrity value: sha384 of the exact bytes served."""
        return "sha384-" + base64.b64encode(hashlib.sha384(self.body).digest()).decode()

    @property
    def etag(self) -> str:
        return f'"{self.integrity}"'


# name → (directory: "static" for built files, "pages" for this package's own, purpose)
SCRIPTS = {
    "payhub.js": ("static", "The four PayHub widgets (Lit web components, one ES module): the only PayHub script a "
                            "merchant's payment page loads; also loaded by PayHub's /embed pages"),
    "hosted-fields.js": ("static", "The script of PayHub's hosted card/ACH field page (an iframe on PayHub's "
                                   "origin): the only code that reads card and bank details, which it sends to "
                                   "PayHub's /v1/tokens and never to the host page"),
    "embed.js": ("pages", "Tells the page framing a PayHub /embed page its height and the widget's events "
                          "(postMessage to the allow-listed parent origin only)"),
}


class Assets:
    """The served scripts. `static_dir` overrides where the built files are read from (PAYHUB_WIDGETS_DIR)."""

    def __init__(self, static_dir: Path | None = None) -> None:
        self.dirs = {"static": static_dir or STATIC, "pages": PAGES}
        self._loaded: dict[str, Script | None] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> Script | None:
        if name in self._loaded:
            return self._loaded[name]
        if name not in SCRIPTS:
            return None
        where, purpose = SCRIPTS[name]
        path = self.dirs[where] / name
        script = Script(name, purpose, path.read_bytes()) if path.is_file() else None
        with self._lock:
            if script is not None:  # a missing build may appear later (a developer's `npm run build`)
                self._loaded[name] = script
        return script

    def all(self) -> list[Script]:
        return [s for s in (self.get(name) for name in SCRIPTS) if s is not None]
