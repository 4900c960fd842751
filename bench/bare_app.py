"""The bare ASGI baseline for bench/payments.py: FastAPI with one trivial endpoint, nothing else.

Served by PayHub's own `payhub serve` code (same socket options, uvicorn settings, worker mode and
logging), so the ratio payments/s ÷ bare rps says how much of the server's raw request capacity a
payment costs:

    python bench/bare_app.py --host 127.0.0.1 --port 8001 --workers 1

Run as a script it registers itself as the module `payhub.asgi` and then calls `payhub serve`, which
loads "payhub.asgi:app". uvicorn's worker processes are spawned and re-run this script's top level
(as `__mp_main__`), so they get the same alias. Should `serve` ever load the app in a way that
skips this alias, the bare server would answer /ok with PayHub's 404, and bench/payments.py reports
every request to it as non-2xx.
"""

import sys

from fastapi import FastAPI

app = FastAPI()


@app.get("/ok")
def ok() -> dict[str, bool]:
    # A plain `def`, like PayHub's sync handlers, so it pays the same threadpool hop.
    return {"ok": True}


if __name__ in ("__main__", "__mp_main__"):
    sys.modules["payhub.asgi"] = sys.modules[__name__]

if __name__ == "__main__":
    from payhub.cli import app as cli

    cli(["serve", *sys.argv[1:]])
