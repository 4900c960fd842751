"""The keyring, without a database: AES-256-GCM round trips, key ids, rotation, and refusals."""

from __future__ import annotations

import base64

import pytest

from payhub.domain.errors import VaultKeyMissing, VaultTampered
from payhub.vault.crypto import NONCE_BYTES, Keyring, Sealed, new_key

K1, K2 = new_key(), new_key()
ROW = b"tok_1|ent_demo"
PAN = b'{"number": "4242424242424242", "exp_month": 12, "exp_year": 2031}'


def test_round_trip_records_the_key_id_and_never_the_plaintext() -> None:
    ring = Keyring.parse({"k1": K1}, None)
    sealed = ring.seal(PAN, ROW)
    assert sealed.key_id == "k1" and PAN not in sealed.blob and b"4242" not in sealed.blob
    assert ring.open(sealed, ROW) == PAN
    assert ring.seal(PAN, ROW).blob[:NONCE_BYTES] != sealed.blob[:NONCE_BYTES]  # a fresh nonce each time


@pytest.mark.parametrize("position", [0, NONCE_BYTES, -1])
def test_a_tampered_ciphertext_is_refused(position: int) -> None:
    ring = Keyring.parse({"k1": K1}, None)
    sealed = ring.seal(PAN, ROW)
    blob = bytearray(sealed.blob)
    blob[position] ^= 0x01
    with pytest.raises(VaultTampered):
        ring.open(Sealed("k1", bytes(blob)), ROW)


def test_a_ciphertext_moved_to_another_row_does_not_open() -> None:
    ring = Keyring.parse({"k1": K1}, None)
    with pytest.raises(VaultTampered):
        ring.open(ring.seal(PAN, ROW), b"tok_2|ent_demo")
    with pytest.raises(VaultTampered):
        ring.open(ring.seal(PAN, ROW), b"tok_1|ent_other")


def test_rotation_reseals_under_the_active_key_and_old_values_still_open() -> None:
    old = Keyring.parse({"k1": K1}, None)
    sealed = old.seal(PAN, ROW)
    both = Keyring.parse({"k1": K1, "k2": K2}, "k2")
    assert both.open(sealed, ROW) == PAN  # before rotation: opens with its own key
    resealed = both.reseal(sealed, ROW)
    assert resealed.key_id == "k2" and both.open(resealed, ROW) == PAN
    only_new = Keyring.parse({"k2": K2}, None)
    assert only_new.open(resealed, ROW) == PAN
    with pytest.raises(VaultKeyMissing):
        only_new.open(sealed, ROW)  # the old key is gone: what was not rotated cannot be opened


def test_the_same_key_under_another_id_does_not_open_a_value() -> None:
    sealed = Keyring.parse({"k1": K1}, None).seal(PAN, ROW)
    with pytest.raises(VaultTampered):
        Keyring.parse({"k1": K2}, None).open(sealed, ROW)


@pytest.mark.parametrize(("keys", "active", "message"), [
    ({}, None, "no vault keys"),
    ({"k1": K1, "k2": K2}, None, "name the active one"),
    ({"k1": K1}, "k9", "not among the keys"),
    ({"k1": "not base64!"}, None, "not base64"),
    ({"k1": base64.b64encode(b"short").decode()}, None, "32 bytes"),
    ({"bad id": K1}, None, "letters, digits"),
])
def test_configuration_errors_are_explained(keys: dict[str, str], active: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Keyring.parse(keys, active)


def test_the_derived_development_key_is_stable_per_secret() -> None:
    a, b = Keyring.derived("secret-a"), Keyring.derived("secret-a")
    assert a.open(b.seal(PAN, ROW), ROW) == PAN
    with pytest.raises(VaultTampered):
        Keyring.derived("secret-b").open(a.seal(PAN, ROW), ROW)


def test_keys_never_show_in_repr() -> None:
    ring = Keyring.parse({"k1": K1}, None)
    assert K1 not in repr(ring) and str(ring.keys["k1"]) not in repr(ring)
