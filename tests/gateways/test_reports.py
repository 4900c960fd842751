"""The settlement-report reading every connector shares (payhub.gateways.reports), and each connector's answer to
a damaged file: SettlementFileInvalid naming the line, nothing else."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pytest

from payhub.domain.settlement import SettlementFileInvalid, SettlementLine
from payhub.gateways import reports
from payhub.gateways.adyen import AdyenGateway
from payhub.gateways.simulator import SimulatedMovement, SimulatorGateway, settlement_report
from payhub.gateways.stripe import StripeGateway

FIXTURES = Path(__file__).parent / "fixtures"
Parser = Callable[[IO[bytes]], Iterator[SettlementLine]]


def _stripe() -> Parser:
    return StripeGateway("sk_test_reports").read_settlement_report


def _adyen() -> Parser:
    return AdyenGateway("key", "PayHubTest").read_settlement_report


def _simulator() -> Parser:
    return SimulatorGateway().read_settlement_report


def simulator_file() -> bytes:
    movements = [SimulatedMovement(f"sim_ch_{n}", f"pay_{n}", "payment", 1000 * n, "USD",
                                   datetime(2026, 3, 1, 12, tzinfo=UTC)) for n in range(1, 6)]
    return "".join(settlement_report(movements, datetime(2026, 3, 2).date(), seed=1)).encode()


FILES: dict[str, tuple[Callable[[], Parser], Callable[[], bytes]]] = {
    "stripe": (_stripe, lambda: (FIXTURES / "stripe_payout_reconciliation.csv").read_bytes()),
    "adyen": (_adyen, lambda: (FIXTURES / "adyen_settlement_detail.csv").read_bytes()),
    "simulator": (_simulator, simulator_file),
}


def parse(parser: Parser, data: bytes) -> list[SettlementLine]:
    return list(parser(io.BytesIO(data)))


@pytest.fixture(params=sorted(FILES))
def connector(request: pytest.FixtureRequest) -> tuple[Parser, bytes]:
    make, data = FILES[request.param]
    return make(), data()


def test_each_fixture_parses_and_every_line_balances(connector: tuple[Parser, bytes]) -> None:
    parser, data = connector
    lines = parse(parser, data)
    assert len(lines) >= 3
    assert [line.line_no for line in lines] == sorted(line.line_no for line in lines)
    assert all(line.gross - line.fee == line.net for line in lines)
    assert all(line.occurred_at.tzinfo is UTC for line in lines)


def test_a_byte_order_mark_is_fine(connector: tuple[Parser, bytes]) -> None:
    parser, data = connector
    assert parse(parser, b"\xef\xbb\xbf" + data) == parse(parser, data)


def test_a_wrong_header_names_the_missing_columns(connector: tuple[Parser, bytes]) -> None:
    parser, data = connector
    header, _, rest = data.partition(b"\n")
    renamed = header.replace(b"net", b"nett").replace(b"Net Credit (NC)", b"Net Credit")
    with pytest.raises(SettlementFileInvalid) as error:
        parse(parser, renamed + b"\n" + rest)
    assert error.value.line == 1 and "missing columns" in error.value.reason


def test_latin1_bytes_on_a_line_name_that_line(connector: tuple[Parser, bytes]) -> None:
    parser, data = connector
    lines = data.split(b"\n")
    lines[2] = lines[2].replace(b",", b",Caf\xe9 ", 1)  # 'é' in Latin-1: not UTF-8
    with pytest.raises(SettlementFileInvalid) as error:
        parse(parser, b"\n".join(lines))
    assert error.value.line == 3 and "UTF-8" in error.value.reason


def test_a_bad_amount_names_its_line(connector: tuple[Parser, bytes]) -> None:
    parser, data = connector
    lines = data.decode().split("\n")
    header = lines[0].split(",")
    column = next(name for name in ("gross", "Net Credit (NC)", "net") if name in header)
    fields = lines[3].split(",")
    fields[header.index(column)] = "12,5x" if column == "gross" else "1O.00"
    lines[3] = ",".join(fields)
    with pytest.raises(SettlementFileInvalid) as error:
        parse(parser, "\n".join(lines).encode())
    assert error.value.line == 4


def test_an_empty_file_is_invalid(connector: tuple[Parser, bytes]) -> None:
    with pytest.raises(SettlementFileInvalid) as error:
        parse(connector[0], b"")
    assert error.value.line == 1


def test_the_parsers_stream() -> None:
    """A parser yields its first line before the source is read to the end."""
    data = (FIXTURES / "adyen_settlement_detail.csv").read_bytes()

    class Source(io.BytesIO):
        def __init__(self, data: bytes) -> None:
            super().__init__(data)
            self.lines_read = 0

        def __next__(self) -> bytes:
            self.lines_read += 1
            return super().__next__()

    source = Source(data)
    first = next(_adyen()(source))
    assert first.line_no == 2 and source.lines_read == 2


# --- the shared helpers ---------------------------------------------------------------------------------

def row(**values: str) -> reports.Row:
    return reports.Row(7, dict(values))


def test_major_amounts_are_exact_or_refused() -> None:
    assert reports.major_amount(row(a="12.34"), "a", "USD") == 1234
    assert reports.major_amount(row(a="-5"), "a", "JPY") == -5
    assert reports.major_amount(row(a="1.234"), "a", "KWD") == 1234
    assert reports.major_amount(row(a=""), "a", "USD") == 0
    for bad in ("12.345", "1e3x", "NaN", "12,34"):
        with pytest.raises(SettlementFileInvalid) as error:
            reports.major_amount(row(a=bad), "a", "USD")
        assert error.value.line == 7


def test_times_are_utc_and_zones_are_known_or_refused() -> None:
    cet = reports.zone(row(z="CET"), "z")
    assert reports.timestamp(row(t="2026-01-02 15:03:11"), "t", cet) == datetime(2026, 1, 2, 14, 3, 11, tzinfo=UTC)
    summer = reports.zone(row(z="CEST"), "z")
    assert reports.timestamp(row(t="2026-07-02 15:00:00"), "t", summer) == datetime(2026, 7, 2, 13, tzinfo=UTC)
    assert reports.timestamp(row(t="2026-01-02T13:00:00Z"), "t") == datetime(2026, 1, 2, 13, tzinfo=UTC)
    offset = reports.zone(row(z="UTC-05:00"), "z")
    assert reports.timestamp(row(t="2026-01-02 08:00:00"), "t", offset) == datetime(2026, 1, 2, 13, tzinfo=UTC)
    for bad_zone in ("Mars/Olympus", "XYZ", "+ab"):
        with pytest.raises(SettlementFileInvalid):
            reports.zone(row(z=bad_zone), "z")
    with pytest.raises(SettlementFileInvalid):
        reports.timestamp(row(t="02/01/2026"), "t")


def test_currencies_are_known_or_refused() -> None:
    assert reports.currency(row(c="usd"), "c") == "USD"
    with pytest.raises(SettlementFileInvalid):
        reports.currency(row(c="XXX"), "c")


def test_a_record_longer_than_the_header_is_refused() -> None:
    with pytest.raises(SettlementFileInvalid) as error:
        list(reports.rows(io.BytesIO(b"a,b\n1,2\n1,2,3\n"), ["a", "b"]))
    assert error.value.line == 3


def test_an_unclosed_quote_is_not_csv() -> None:
    with pytest.raises(SettlementFileInvalid):
        list(reports.rows(io.BytesIO(b'a,b\n1,"2\n'), ["a", "b"]))
