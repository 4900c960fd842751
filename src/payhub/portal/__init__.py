"""The AR customer portal at /portal/{entity}: server-rendered pages (Jinja2, autoescaped) branded per entity,
sign-in by magic link or password (web/session.py's cookie sessions and CSRF), and the widgets on PayHub's own
origin with a customer-context token minted for the session (channel "portal"): the portal adds no private API.
Receipts per payment as a printable page and a PDF. Above the web layer, below the API, which mounts it."""
