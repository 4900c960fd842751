"""The bare ASGI baseline for bench/payments.py: FastAPI with one trivial endpoint, nothing else.

Served by the same uvicorn (same worker count, same HTTP stack) as PayHub, so the ratio
payments/s ÷ bare rps says how much of the server's raw request capacity a payment costs.
"""

from fastapi import FastAPI

app = FastAPI()


@app.get("/ok")
def ok() -> dict[str, bool]:
    # A plain `def`, like PayHub's handlers, so it pays the same threadpool hop.
    return {"ok": True}
