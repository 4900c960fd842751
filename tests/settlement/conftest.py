"""Settlement and reconciliation tests use the webhook suite's receiver and worker."""

from tests.webhooks.conftest import allow_loopback, receiver, worker  # noqa: F401  (fixtures)
