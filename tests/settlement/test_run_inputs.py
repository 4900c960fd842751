"""How a run prepares the engine's input: the engine tells two identical lines apart by their order in the
file, so every step before it must keep that order (a join that reorders made a run call the other line the
duplicate, and an ignored exception came back under a new fingerprint)."""

from __future__ import annotations

import polars as pl

from payhub.reconciliation.runs import _by_payment_id


def test_mapping_invoice_numbers_to_payment_ids_keeps_the_file_order() -> None:
    lines = pl.LazyFrame({"line_id": [f"stl_{i:07d}" for i in range(50_000)],
                          "merchant_reference": [f"INV-{i % 997}" for i in range(50_000)]})
    numbers = pl.LazyFrame({"payment_id": [f"pay_{i}" for i in range(500)],
                            "invoice_numbers": [f"INV-{i}" for i in range(500)]})
    expected = lines.collect()["line_id"].to_list()
    for _ in range(5):  # the streaming engine the run collects with reorders a join that does not keep order
        mapped = _by_payment_id(lines, numbers).collect(engine="streaming")
        assert mapped["line_id"].to_list() == expected
    assert mapped.filter(pl.col("line_id") == "stl_0000003")["merchant_reference"].item() == "pay_3"
    assert mapped.filter(pl.col("line_id") == "stl_0000600")["merchant_reference"].item() == "INV-600"
