"""The crash tests' gateway: the fake Stripe API, an HTTP server in the test process, so what it was asked
survives the PayHub process that is killed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.gateways.stripe.fake import FakeStripe


@pytest.fixture
def stripe() -> Iterator[tuple[FakeStripe, str]]:
    fake = FakeStripe()
    with fake.serve() as url:
        yield fake, url
