"""PayHub's web layer: the widget scripts and the pages PayHub serves itself (the hosted card and ACH fields, the
/embed pages), their security headers (Content-Security-Policy, SRI, CORS) and the script manifest.

The widgets themselves (Lit web components, `widgets/`, built into `static/`) talk to the public API over HTTP
only. This package sits below the API in the import layers: the API mounts its routes and middleware, and it
reads what it needs (allow-lists, customer tokens) through the admin and store modules."""
