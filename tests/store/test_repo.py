"""The store's lookups fail with domain errors (problem+json with a stable code), never a bare LookupError (a 500)."""

from __future__ import annotations

import pytest

from payhub.domain.errors import EntityNotFound, NotFound
from payhub.services import Services
from payhub.store import repo


@pytest.mark.parametrize("lookup", [repo.get_entity, repo.settings_of])
def test_an_unknown_entity_is_a_not_found_with_its_code(services: Services, lookup: object) -> None:
    with services.read() as s, pytest.raises(EntityNotFound) as raised:
        lookup(s, "ent_nobody")  # type: ignore[operator]
    assert isinstance(raised.value, NotFound) and raised.value.code == "entity_not_found"
