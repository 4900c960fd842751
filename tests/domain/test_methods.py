"""Payment methods: Luhn, brand detection, card / bank-account validation, and no PAN in repr."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payhub.domain.errors import InvalidCard, InvalidRequest
from payhub.domain.methods import BankAccount, Card, CardSummary, CardToken, _aba_ok, card_brand, luhn_ok

TODAY = date(2025, 6, 15)
VISA = "4242424242424242"
AMEX = "378282246310005"
MASTERCARD = "5555555555554444"


# --- Luhn ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("number", [
    VISA, "4000000000000002", "4000000000009995", "4000000000000119", "4000000000006975",
    "5555555555554444", "378282246310005", "6011111111111117", "3530111333300000", "30569309025904",
    "79927398713", "0", "00", "18", "059",
])
def test_luhn_valid(number: str) -> None:
    assert luhn_ok(number)


@pytest.mark.parametrize("number", ["4242424242424241", "4242424242424243", "79927398710", "1", "5555555555554440",
                                    "378282246310006", "4242424242424224"])
def test_luhn_invalid(number: str) -> None:
    assert not luhn_ok(number)


def _luhn_check_digit(payload: str) -> str:
    for d in "0123456789":
        if luhn_ok(payload + d):
            return d
    raise AssertionError("no check digit")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=1, max_size=18))
def test_luhn_exactly_one_check_digit_and_single_digit_errors_are_caught(payload: str) -> None:
    valid = [d for d in "0123456789" if luhn_ok(payload + d)]
    assert len(valid) == 1
    number = payload + valid[0]
    for i, c in enumerate(number):  # any single-digit substitution breaks the checksum
        for d in "0123456789":
            if d != c:
                assert not luhn_ok(number[:i] + d + number[i + 1:])


# --- brands --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("number", "brand"), [
    ("4242424242424242", "visa"), ("4000000000000002", "visa"),
    ("378282246310005", "amex"), ("341111111111111", "amex"),
    ("5555555555554444", "mastercard"), ("5105105105105100", "mastercard"), ("2221000000000009", "mastercard"),
    ("2720990000000000", "mastercard"),
    ("6011111111111117", "discover"), ("6500000000000000", "discover"), ("6440000000000000", "discover"),
    ("6490000000000000", "discover"),
    ("3530111333300000", "jcb"), ("3528000000000000", "jcb"), ("3589000000000000", "jcb"),
    ("30569309025904", "diners"), ("36000000000000", "diners"), ("30000000000000", "diners"),
    ("5000000000000000", "unknown"), ("5600000000000000", "unknown"), ("2220990000000000", "unknown"),
    ("2721000000000000", "unknown"), ("6430000000000000", "unknown"), ("6012000000000000", "unknown"),
    ("3527000000000000", "unknown"), ("3590000000000000", "unknown"), ("3060000000000000", "unknown"),
    ("1234567890123", "unknown"), ("", "unknown"),
])
def test_card_brand(number: str, brand: str) -> None:
    assert card_brand(number) == brand


# --- Card.parse ----------------------------------------------------------------------------------

def test_parse_valid_card() -> None:
    card = Card.parse(VISA, 12, 2030, "123", TODAY)
    assert card == Card(VISA, 12, 2030, "123")
    assert card.summary == CardSummary("visa", "4242", 12, 2030, "424242", "credit", "US")
    assert Card.parse("4000056655665556", 1, 2030, None, TODAY).summary.funding == "debit"


@pytest.mark.parametrize("number", ["4242 4242 4242 4242", "4242-4242-4242-4242", " 4242424242424242 ",
                                    "4242-4242 4242-4242"])
def test_parse_strips_spaces_and_dashes(number: str) -> None:
    assert Card.parse(number, 1, 2030, None, TODAY).number == VISA


def test_parse_summary_for_other_brands() -> None:
    amex = Card.parse("378282246310005", 3, 2031, "1234", TODAY).summary
    assert amex == CardSummary("amex", "0005", 3, 2031, "378282", "credit", "US")
    mastercard = Card.parse("5555555555554444", 3, 2031, None, TODAY).summary
    assert (mastercard.brand, mastercard.last4, mastercard.bin) == ("mastercard", "4444", "555555")


def _raises_invalid(field: str, *args: object) -> InvalidCard:
    with pytest.raises(InvalidCard) as info:
        Card.parse(*args)  # type: ignore[arg-type]
    assert info.value.extra == {"field": field}
    assert info.value.code == "card_invalid"
    assert isinstance(info.value, InvalidRequest)
    return info.value


@pytest.mark.parametrize("number", [
    "4242424242424241",      # Luhn
    "", "abcd", "4242x42424242424", "4242.4242.4242.4242", "4242_4242_4242_4242",
    "42424242424",           # 11 digits (Luhn-valid, too short)
    "4" * 20,                # too long
    "42424242424242424242",  # 20 digits
    "4242 4242 4242 4242x",
])
def test_parse_invalid_number(number: str) -> None:
    _raises_invalid("payment_method.card.number", number, 12, 2030, None, TODAY)


def test_parse_number_length_bounds() -> None:
    # 12 and 19 digits are accepted when Luhn-valid; 11 and 20 are not
    for length in (12, 19):
        number = "4" + "0" * (length - 2)
        number += _luhn_check_digit(number)
        assert len(Card.parse(number, 12, 2030, None, TODAY).number) == length
    for length in (11, 20):
        number = "4" + "0" * (length - 2)
        number += _luhn_check_digit(number)
        _raises_invalid("payment_method.card.number", number, 12, 2030, None, TODAY)


@pytest.mark.parametrize("month", [0, 13, -1, 100])
def test_parse_invalid_month(month: int) -> None:
    _raises_invalid("payment_method.card.exp_month", VISA, month, 2030, None, TODAY)


@pytest.mark.parametrize(("month", "year"), [(5, 2025), (12, 2024), (1, 2025), (12, 1999), (6, 25)])
def test_parse_expired(month: int, year: int) -> None:
    error = _raises_invalid("payment_method.card.exp_year", VISA, month, year, None, TODAY)
    assert "expired" in str(error)


@pytest.mark.parametrize(("month", "year"), [(6, 2025), (7, 2025), (1, 2026), (12, 2099)])
def test_parse_not_expired_through_the_expiry_month(month: int, year: int) -> None:
    assert Card.parse(VISA, month, year, None, TODAY).exp_month == month


def test_expiry_is_relative_to_given_today() -> None:
    assert Card.parse(VISA, 1, 2020, None, date(2020, 1, 31)).exp_year == 2020
    with pytest.raises(InvalidCard):
        Card.parse(VISA, 1, 2020, None, date(2020, 2, 1))


@pytest.mark.parametrize("cvc", ["12", "12345", "abc", "12a", "", " 123"])
def test_parse_invalid_cvc(cvc: str) -> None:
    _raises_invalid("payment_method.card.cvc", VISA, 12, 2030, cvc, TODAY)


@pytest.mark.parametrize(("number", "cvc"), [(VISA, "123"), (VISA, "000"), (VISA, None), (AMEX, "1234"),
                                           (MASTERCARD, "737")])
def test_parse_valid_cvc(number: str, cvc: str | None) -> None:
    assert Card.parse(number, 12, 2030, cvc, TODAY).cvc == cvc


@pytest.mark.parametrize(("number", "cvc"), [(VISA, "1234"), (MASTERCARD, "1234"), (AMEX, "123")])
def test_cvc_length_follows_the_brand(number: str, cvc: str) -> None:
    """American Express prints 4 digits; the others 3. A CVC of the other length is a typo, refused early."""
    _raises_invalid("payment_method.card.cvc", number, 12, 2030, cvc, TODAY)


def test_validation_order_number_before_month_before_expiry() -> None:
    _raises_invalid("payment_method.card.number", "1234", 13, 1999, "x", TODAY)
    _raises_invalid("payment_method.card.exp_month", VISA, 13, 1999, "x", TODAY)
    _raises_invalid("payment_method.card.exp_year", VISA, 1, 1999, "x", TODAY)


def test_invalid_card_message_never_contains_the_number() -> None:
    for args in [("4242424242424241", 12, 2030, None), (VISA, 13, 2030, None), (VISA, 1, 2000, None),
                 (VISA, 12, 2030, "1")]:
        with pytest.raises(InvalidCard) as info:
            Card.parse(*args, TODAY)
        assert args[0] not in str(info.value) and args[0] not in repr(info.value)
        assert "42424242" not in repr(info.value.extra)


def test_repr_never_contains_number_or_cvc() -> None:
    card = Card.parse("4242 4242 4242 4242", 12, 2030, "987", TODAY)
    for text in (repr(card), str(card), f"{card}", f"{card!r}", repr([card]), repr({"m": card})):
        assert VISA not in text
        assert "42424242" not in text
        assert "987" not in text
        assert "exp_month=12" in text


def test_card_is_frozen() -> None:
    card = Card.parse(VISA, 12, 2030, None, TODAY)
    with pytest.raises(FrozenInstanceError):
        card.number = "x"  # type: ignore[misc]


def test_non_ascii_digits_raise_invalid_card() -> None:
    with pytest.raises(InvalidCard):
        Card.parse("424242424242424\u00b2", 12, 2030, None, TODAY)


def test_arabic_indic_card_number_is_refused() -> None:
    with pytest.raises(InvalidCard):
        Card.parse("\u0664\u0662" * 8, 12, 2030, None, TODAY)


def test_superscript_cvc_is_refused() -> None:
    with pytest.raises(InvalidCard):
        Card.parse(VISA, 12, 2030, "12\u00b3", TODAY)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=11, max_size=18), st.integers(1, 12), st.integers(2025, 2040))
def test_any_luhn_valid_number_of_right_length_parses(payload: str, month: int, year: int) -> None:
    number = payload + _luhn_check_digit(payload)
    if (year, month) < (TODAY.year, TODAY.month):
        return
    card = Card.parse(number, month, year, None, TODAY)
    assert card.summary.last4 == number[-4:]
    assert card.summary.brand == card_brand(number)
    assert number not in repr(card)


# --- CardToken -----------------------------------------------------------------------------------

def test_card_token() -> None:
    assert CardToken("tok_visa").token == "tok_visa"
    assert CardToken("tok_visa") == CardToken("tok_visa")


# --- BankAccount ---------------------------------------------------------------------------------

@pytest.mark.parametrize("routing", ["110000000", "021000021", "011000015", "026009593", "121000358"])
def test_aba_valid(routing: str) -> None:
    assert _aba_ok(routing)
    assert BankAccount.parse(routing, "000123456789", "checking").routing_number == routing


@pytest.mark.parametrize("routing", ["110000001", "021000022", "123456789", "000000001"])
def test_aba_invalid(routing: str) -> None:
    assert not _aba_ok(routing)


def test_bank_account_parse() -> None:
    account = BankAccount.parse("110000000", "000123456789", "savings")
    assert account == BankAccount("110000000", "000123456789", "savings")
    assert account.last4 == "6789"
    assert account.account_type == "savings"


@pytest.mark.parametrize("routing", ["110000001", "11000000", "1100000000", "11000000a", "", "110 00000"])
def test_bank_account_invalid_routing(routing: str) -> None:
    with pytest.raises(InvalidCard) as info:
        BankAccount.parse(routing, "000123456789", "checking")
    assert info.value.extra == {"field": "payment_method.ach.routing_number"}


@pytest.mark.parametrize("account", ["123", "1" * 18, "12345a", "", "1234 5678"])
def test_bank_account_invalid_account_number(account: str) -> None:
    with pytest.raises(InvalidCard) as info:
        BankAccount.parse("110000000", account, "checking")
    assert info.value.extra == {"field": "payment_method.ach.account_number"}


@pytest.mark.parametrize("account", ["1234", "1" * 17])
def test_bank_account_number_length_bounds(account: str) -> None:
    assert BankAccount.parse("110000000", account, "checking").account_number == account


def test_bank_account_repr_hides_numbers() -> None:
    account = BankAccount.parse("021000021", "987654321012", "checking")
    text = repr(account)
    assert "021000021" not in text and "987654321012" not in text
    assert "checking" in text


def test_non_ascii_routing_digit_raises_invalid_card() -> None:
    with pytest.raises(InvalidCard):
        BankAccount.parse("11000000\u00b2", "000123456789", "checking")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_exactly_one_aba_check_digit(payload: str) -> None:
    assert len([d for d in "0123456789" if _aba_ok(payload + d)]) == 1
