"""Fixtures for the virtual terminal's tests: staff users made through the admin API, and the terminal key a
signed-in staff member's page acts with (minted as the terminal's sign-in mints it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from payhub import admin
from payhub.admin import staff_users
from payhub.services import Services

PASSWORD = "correct horse battery"


@pytest.fixture
def staff(admin: TestClient) -> Callable[..., dict[str, object]]:
    """Create a staff user through the API: staff(role, email=…)."""
    made = iter(range(1, 1000))

    def make(role: str = "terminal", email: str | None = None, password: str | None = PASSWORD) -> dict[str, object]:
        body = {"email": email or f"clerk{next(made)}@demo.example", "name": "Pat Clerk", "role": role,
                **({"password": password} if password else {})}
        r = admin.post("/v1/staff_users", json=body)
        assert r.status_code == 201, r.text
        return dict(r.json())

    return make


@pytest.fixture
def terminal_key(services: Services) -> Callable[[str], str]:
    """The secret of a terminal session key for a staff user id."""

    def mint(staff_user_id: str) -> str:
        with admin.transaction(services) as u:
            user = staff_users.get_staff_user(u, "ent_demo", staff_user_id)
            _, secret = staff_users.mint_terminal_key(u, user, u.now + timedelta(hours=1), "ses_test")
            return secret

    return mint
