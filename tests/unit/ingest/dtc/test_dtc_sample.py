"""Golden test over the public D0010 sample (Kraken Technologies' exercise file).

The sample carries no licence, so it is read where it lives (``shared/samples/uk-dtc``, see its
PROVENANCE.md) and never copied into the repository; without it these tests skip, saying why.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from tests.unit.ingest.dtc.dtc_files import FILE_ID

from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import Quality, RegisterRead, Rejection
from meter2cash.ingest.dtc import parse, parse_lines, recognises

SAMPLE = (
    Path(__file__).resolve().parents[5]
    / "shared"
    / "samples"
    / "uk-dtc"
    / "DTC5259515123502080915D0010.uff"
)
pytestmark = pytest.mark.samples


def _sample() -> bytes:
    if not SAMPLE.is_file():
        pytest.skip(f"public D0010 sample not present: {SAMPLE} (see shared/samples/uk-dtc)")
    return SAMPLE.read_bytes()


def _utc(day: str) -> datetime:
    """The sample's readings are all at midnight in February/March 2016: GMT, so UTC = local."""
    return datetime.strptime(day, "%Y%m%d").replace(tzinfo=UTC)


#: (line, MPAN core, meter serial, register id, reading, UTC instant, reading type)
GOLDEN = [
    (4, "1200023305967", "F75A 00802", "S", "56311.0", "20160222", "D"),
    (7, "1900001059816", "S95105287", "TO", "81641.0", "20160224", "C"),
    (10, "1200033197420", "L85A 28596", "S", "68902.0", "20160226", "C"),
    (13, "1200031039874", "S76A 13884", "S", "17393.0", "20160226", "C"),
    (16, "1591055549625", "D03L80840", "A1", "50548.0", "20160301", "C"),
    (19, "2200031930792", "S85D24767", "01", "20231.0", "20160301", "C"),
    (20, "2200031930792", "S85D24767", "02", "64472.0", "20160301", "C"),
    (23, "1200022664056", "D03A 09936", "S", "77766.0", "20160221", "D"),
    (26, "1900005260419", "D0248417", "TO", "24802.0", "20160222", "D"),
    (29, "1013044353630", "S82E042896", "01", "88285.0", "20160228", "C"),
    (32, "1900005281720", "36933604", "DY", "80598.0", "20160222", "D"),
    (33, "1900005281720", "36933604", "NT", "15549.0", "20160222", "D"),
    (36, "2000055433806", "D13C01717", "01", "7242.0", "20160301", "C"),
]


def test_the_sample_is_recognised_by_its_first_line() -> None:
    first = _sample().decode().splitlines()[0]
    assert recognises(first, _sample().decode(), SAMPLE.name)


def test_the_sample_gives_thirteen_exact_register_reads_and_no_rejection() -> None:
    items = list(parse(io.BytesIO(_sample()), FILE_ID, SAMPLE.name, None))
    assert [item for item in items if isinstance(item, Rejection)] == []
    reads = [item for item in items if isinstance(item, RegisterRead)]
    assert len(reads) == len(items) == 13
    got = [
        (r.source.line, r.supply_point_id, r.meter_serial, r.register_id, r.value, r.read_at)
        for r in reads
    ]
    assert got == [
        (line, core, serial, register, Decimal(value), _utc(day))
        for line, core, serial, register, value, day, _ in GOLDEN
    ]
    assert [str(r.value) for r in reads] == [row[4] for row in GOLDEN]  # the text's own scale
    assert [r.read_type for r in reads] == [f"{row[6]}/V/T" for row in GOLDEN]
    assert [r.quality for r in reads] == [
        Quality.DEEMED if row[6] == "D" else Quality.ACTUAL for row in GOLDEN
    ]
    assert {(r.unit, r.method, r.reason) for r in reads} == {(Unit.KWH, "N", None)}


def test_the_sample_trailer_reconciles_and_a_changed_count_is_reported() -> None:
    text = _sample().decode()
    assert text.splitlines()[-1] == "ZPT|0000475656|35||11|20160302154650|"
    tampered = text.replace("ZPT|0000475656|35||11|", "ZPT|0000475656|36||12|").splitlines()
    items = list(parse_lines(tampered, FILE_ID, SAMPLE.name))
    rejections = [item for item in items if isinstance(item, Rejection)]
    assert sum(isinstance(item, RegisterRead) for item in items) == 13
    assert [(r.source.line, r.reason_code) for r in rejections] == [(37, "BAD_TRAILER_COUNT")]
    assert "Total Group Count 36 but 35 group lines" in rejections[0].message
    assert "Flow Count 12 but 11 026 groups" in rejections[0].message

    truncated = text.splitlines()[:-3]  # the last MPAN's meter, its reading and the ZPT lost
    rejections = [
        item for item in parse_lines(truncated, FILE_ID, SAMPLE.name) if isinstance(item, Rejection)
    ]
    assert [(r.source.line, r.reason_code) for r in rejections] == [
        (34, "MISSING_GROUP"),
        (34, "MISSING_TRAILER"),
    ]
