"""Reading providers' settlement reports (CSV), for every connector's report parser: bytes are decoded as UTF-8
line by line as they are read (a file is never held in memory whole), the header is checked for the columns the
parser needs, and each value is parsed with the line it is on, so every error is a SettlementFileInvalid naming
that line. Line 1 is the header; a UTF-8 byte order mark before it is dropped."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import IO

from payhub.domain.errors import DomainError
from payhub.domain.money import Money, exponent
from payhub.domain.settlement import SettlementFileInvalid

BOM = "\ufeff"


def decoded_lines(source: IO[bytes]) -> Iterator[str]:
    """The source's lines as text, each decoded on its own: an undecodable byte names its line."""
    for number, raw in enumerate(source, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise SettlementFileInvalid(number, f"not UTF-8 (byte {error.start + 1} of the line)") from None
        yield line.removeprefix(BOM) if number == 1 else line


@dataclass(frozen=True, slots=True)
class Row:
    """One record of the report: its values by every column of the header, and the line it ends on."""

    line: int
    values: dict[str, str]

    def text(self, column: str) -> str:
        return self.values.get(column, "").strip()

    def required(self, column: str) -> str:
        value = self.text(column)
        if not value:
            raise SettlementFileInvalid(self.line, f"{column} is empty")
        return value

    def fail(self, reason: str) -> SettlementFileInvalid:
        return SettlementFileInvalid(self.line, reason)


def rows(source: IO[bytes], required: Iterable[str], delimiter: str = ",") -> Iterator[Row]:
    """The report's records after its header, which must name every column in `required` (any order; more
    columns are fine). Blank lines are skipped."""
    reader = csv.reader(decoded_lines(source), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise SettlementFileInvalid(1, "the file is empty")
        names = [name.strip() for name in header]
        missing = [column for column in required if column not in names]
        if missing:
            raise SettlementFileInvalid(1, f"missing columns: {', '.join(missing)}")
        for record in reader:
            if not any(field.strip() for field in record):
                continue
            if len(record) > len(names):
                raise SettlementFileInvalid(reader.line_num, f"{len(record)} fields, the header has {len(names)}")
            padded = record + [""] * (len(names) - len(record))  # a short record: its last columns are empty
            yield Row(reader.line_num, dict(zip(names, padded, strict=True)))
    except csv.Error as error:
        raise SettlementFileInvalid(reader.line_num, f"not CSV ({error})") from None


# --- values ------------------------------------------------------------------------------------------

def currency(row: Row, column: str) -> str:
    """An ISO 4217 code PayHub knows (the report may write it lower-case), upper-case."""
    code = row.required(column).upper()
    try:
        exponent(code)
    except DomainError:
        raise row.fail(f"{column} {code!r} is not a supported currency") from None
    return code


def major_amount(row: Row, column: str, currency_code: str, blank_is_zero: bool = True) -> int:
    """A decimal in major units ("12.34", "-5") as minor units of `currency_code`; exact or refused."""
    value = row.text(column)
    if not value:
        if blank_is_zero:
            return 0
        raise row.fail(f"{column} is empty")
    try:
        return Money.from_decimal(value, currency_code).amount
    except DomainError as error:
        raise row.fail(f"{column} {value!r} is not an amount in {currency_code} ({error.detail})") from None


def minor_amount(row: Row, column: str) -> int:
    """An integer of minor units ("1234", "-50")."""
    value = row.required(column)
    digits = value.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()):
        raise row.fail(f"{column} {value!r} is not an integer amount in minor units")
    return int(value)


def timestamp(row: Row, column: str, zone: tzinfo = UTC) -> datetime:
    """An ISO 8601 date or time ("2026-01-02", "2026-01-02 13:45:00", "2026-01-02T13:45:00Z") in UTC; a time
    without an offset is in `zone`."""
    value = row.required(column)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise row.fail(f"{column} {value!r} is not a date and time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


def unix_timestamp(row: Row, column: str) -> datetime:
    value = row.required(column)
    if not (value.isascii() and value.isdigit()):
        raise row.fail(f"{column} {value!r} is not a Unix time")
    return datetime.fromtimestamp(int(value), UTC)


# Time zone abbreviations as reports print them, with their fixed offset. An abbreviation says whether daylight
# saving applied (CET vs CEST), so a fixed offset is exact; one not listed is refused rather than guessed.
ZONES: dict[str, timedelta] = {
    "UTC": timedelta(0), "GMT": timedelta(0), "WET": timedelta(0), "WEST": timedelta(hours=1),
    "BST": timedelta(hours=1), "IST": timedelta(hours=1), "CET": timedelta(hours=1), "CEST": timedelta(hours=2),
    "EET": timedelta(hours=2), "EEST": timedelta(hours=3), "MSK": timedelta(hours=3),
    "EST": timedelta(hours=-5), "EDT": timedelta(hours=-4), "CST": timedelta(hours=-6), "CDT": timedelta(hours=-5),
    "MST": timedelta(hours=-7), "MDT": timedelta(hours=-6), "PST": timedelta(hours=-8), "PDT": timedelta(hours=-7),
    "AKST": timedelta(hours=-9), "AKDT": timedelta(hours=-8), "HST": timedelta(hours=-10),
    "BRT": timedelta(hours=-3), "SGT": timedelta(hours=8), "HKT": timedelta(hours=8), "JST": timedelta(hours=9),
    "KST": timedelta(hours=9), "AEST": timedelta(hours=10), "AEDT": timedelta(hours=11),
    "NZST": timedelta(hours=12), "NZDT": timedelta(hours=13),
}


def zone(row: Row, column: str) -> tzinfo:
    """A zone abbreviation (CET, CEST, PST…) or an offset ("+01:00", "UTC+1") as a fixed-offset zone."""
    value = row.required(column).upper()
    if value in ZONES:
        return timezone(ZONES[value], value)
    offset = value.removeprefix("UTC").removeprefix("GMT")
    try:
        sign = -1 if offset.startswith("-") else 1
        hours, _, minutes = offset.lstrip("+-").partition(":")
        if offset[:1] not in "+-" or not hours.isdigit() or (minutes and not minutes.isdigit()):
            raise ValueError(value)
        return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes or 0)))
    except ValueError:
        raise row.fail(f"{column} {value!r} is not a known time zone") from None


def known(row: Row, column: str, choices: Sequence[str]) -> str:
    value = row.required(column)
    if value not in choices:
        raise row.fail(f"{column} {value!r} is not one of {', '.join(choices)}")
    return value
