"""Write clients/openapi.json from the app, exactly as GET /openapi.json serves it (the typed clients are
generated from this file: `make clients`)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from payhub.api.app import create_app
from payhub.bootstrap import build_services
from payhub.settings import Settings


def spec_text() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        svc = build_services(Settings(database_url=f"sqlite:///{tmp}/spec.db", secret_key="spec"))
        try:
            return json.dumps(create_app(svc).openapi(), indent=2, sort_keys=True) + "\n"
        finally:
            svc.close()


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("openapi.json"))
    target.write_text(spec_text())
