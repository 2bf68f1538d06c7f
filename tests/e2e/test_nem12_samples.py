"""NEM12 samples end to end: golden values, the outcome of every fixture, and a cross-check of every
sample against the independent ``nemreader`` package.

Fixtures live in ``tests/data/nem12`` (a copied subset, see its PROVENANCE.md); the full shared
set in ``../shared/samples/nem12`` is used when present and skipped with a reason when not.
"""

from __future__ import annotations

import zipfile
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from meter2cash.domain.errors import DomainError
from meter2cash.domain.quantity import Unit, normalise_unit
from meter2cash.domain.reads import ChannelDay, Direction, Quality, Rejection, SourceRef
from meter2cash.ingest import parse_file

DATA = Path(__file__).parents[1] / "data" / "nem12"
SHARED = Path(__file__).parents[2].parent / "shared" / "samples" / "nem12"
FILE_ID = "c" * 64

Key = tuple[str, str, date]  # NMI, suffix, local day


def sample_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".md")


def parsed(path: Path) -> tuple[list[ChannelDay], list[Rejection]]:
    items = list(parse_file(path, FILE_ID, path.name))
    return (
        [item for item in items if isinstance(item, ChannelDay)],
        [item for item in items if isinstance(item, Rejection)],
    )


# --- golden values -------------------------------------------------------------------------------


def test_golden_actual_interval() -> None:
    days, rejections = parsed(DATA / "Example_NEM12_actual_interval.csv")
    assert rejections == []
    energy, reactive = days
    assert (energy.supply_point_id, energy.channel, reactive.channel) == ("VABD000163", "E1", "Q1")
    assert (energy.direction, reactive.direction) == (Direction.IMPORT, Direction.REACTIVE_IMPORT)
    assert (energy.unit, energy.source_unit) == (Unit.KWH, "kWh")
    assert (reactive.unit, reactive.source_unit) == (Unit.KVARH, "kVArh")
    assert energy.values == (Decimal("1.111"),) * 48
    assert reactive.values == (Decimal("2.222"),) * 48
    assert sum(energy.values) == Decimal("53.328")
    assert energy.qualities == (Quality.ACTUAL,) * 48 and energy.source_flags == ("A",) * 48
    assert (energy.read_on, energy.zone, energy.meter_serial) == (
        date(2004, 2, 1),
        "NEM",
        "METSER123",
    )
    assert (energy.source, reactive.source) == (SourceRef(FILE_ID, 3), SourceRef(FILE_ID, 5))
    intervals = list(energy.intervals())
    assert intervals[0].interval.start == datetime(2004, 1, 31, 14, 0, tzinfo=UTC)
    assert intervals[-1].interval.end == datetime(2004, 2, 1, 14, 0, tzinfo=UTC)
    assert intervals[0].energy == Decimal("1.111")


def test_golden_multiple_quality_v_day() -> None:
    [day], rejections = parsed(DATA / "Example_NEM12_multiple_quality.csv")
    assert rejections == []
    assert (day.supply_point_id, day.read_on) == ("CCCC123456", date(2004, 4, 17))
    assert day.values[:3] == (Decimal("18.023"), Decimal("19.150"), Decimal("17.592"))
    assert day.values[-1] == Decimal("14.733")
    assert sum(day.values) == Decimal("896.990")
    assert day.qualities == (
        (Quality.FINAL,) * 20 + (Quality.ACTUAL,) * 4 + (Quality.SUBSTITUTED,) * 24
    )
    assert day.methods == ("14",) * 20 + (None,) * 4 + ("14",) * 24
    assert day.reasons == ("76",) * 20 + (None,) * 4 + ("1",) * 24
    assert day.source_flags == ("F14",) * 20 + ("A",) * 4 + ("S14",) * 24


def test_golden_units_converted_from_wh_in_an_aemo_archive() -> None:
    path = DATA / "aemo-scenarios" / "NEM12#NEM1201005Scenario1#GLOBALM#NEMMCO.ZIP"
    days, rejections = parsed(path)
    assert rejections == []
    member = "NEM12#05050200001000000#GLOBALM#NEMMCO"  # no extension: detected from content
    assert {day.source.segment for day in days} == {member}
    assert {(day.unit, day.source_unit, day.interval_minutes) for day in days} == {
        (Unit.KWH, "WH", 15)
    }


# --- every fixture's outcome ---------------------------------------------------------------------

#: relative path -> (channel-days, rejection reason counts). Where a nem-reader example breaks the
#: MDFF we reject on purpose; the comment says how.
EXPECTED: dict[str, tuple[int, dict[str, int]]] = {
    "Example_NEM12_actual_interval.csv": (2, {}),
    # NMI "C123" is 4 characters, not 10: every 200 rejected, each 300 under it too.
    "Example_NEM12_different_interval_length.csv": (0, {"INVALID_NMI": 3, "BLOCK_REJECTED": 3}),
    "Example_NEM12_month_solar.csv": (62, {}),
    "Example_NEM12_multiple_meters.csv": (12, {}),
    "Example_NEM12_multiple_quality.csv": (1, {}),
    "Example_NEM12_substituted_interval.csv": (2, {}),
    "Example_NEM12_upper_case_units.csv": (2, {}),
    "Example_WesternPower.csv": (4, {}),
    "aemo-scenarios/NEM12#000000000000009#CNRGYMDP#NEMMCO.zip": (7, {}),
    "aemo-scenarios/NEM12#NEM1201005Scenario1#GLOBALM#NEMMCO.ZIP": (8, {}),
    # Line 27 "300,20050113," continues on lines 28-29 (a 300 record broken over three lines).
    "aemo-scenarios/NEM12#Scenario10#ETSAMDP#NEMMCO.zip": (
        7,
        {"MISSING_FIELDS": 1, "UNKNOWN_RECORD": 2},
    ),
    # invalid/: NMI "123" as well as the defect each file was written for.
    "invalid/Example_NEM12_15min_200_30min_300.csv": (
        0,
        {"INVALID_NMI": 1, "INTERVAL_COUNT_MISMATCH": 1},
    ),
    "invalid/Example_NEM12_15min_200_30min_400.csv": (0, {"INVALID_NMI": 1, "BAD_400_COVERAGE": 1}),
    "invalid/Example_NEM12_30min_200_15min_300.csv": (
        0,
        {"INVALID_NMI": 1, "INTERVAL_COUNT_MISMATCH": 1},
    ),
    "invalid/Example_NEM12_30min_200_15min_400.csv": (
        0,
        {"INVALID_NMI": 1, "INTERVAL_COUNT_MISMATCH": 1},
    ),
    "invalid/Example_NEM12_empty.csv": (0, {"NO_DATA": 1}),
    "invalid/Example_NEM12_incomplete_interval.csv": (3, {"INTERVAL_COUNT_MISMATCH": 1}),
    "invalid/Example_NEM12_missing_header.csv": (2, {"MISSING_HEADER": 1}),
    # A header-less file with a second copy, other values, concatenated after its 900.
    "invalid/Example_NEM12_powercor.csv": (2, {"MISSING_HEADER": 1, "RECORD_AFTER_END": 5}),
    "invalid/Example_NEM12_powercor.csv.zip": (2, {"MISSING_HEADER": 1, "RECORD_AFTER_END": 5}),
    "invalid/Example_NEM12_powercor_missing_fields.csv": (
        0,
        {"MISSING_HEADER": 1, "MISSING_FIELDS": 2, "RECORD_AFTER_END": 5},
    ),
    "invalid/Example_empty_file.csv": (0, {"EMPTY_FILE": 1}),
}


def test_every_fixture_has_an_expected_outcome() -> None:
    assert sorted(str(p.relative_to(DATA)) for p in sample_files(DATA)) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_outcome(name: str) -> None:
    days, rejections = parsed(DATA / name)
    expected_days, expected_reasons = EXPECTED[name]
    assert (len(days), dict(Counter(r.reason_code for r in rejections))) == (
        expected_days,
        expected_reasons,
    )
    for rejection in rejections:
        assert rejection.source.line >= 1 and rejection.message
        assert rejection.file_name.startswith(Path(name).name)


@pytest.mark.parametrize("path", sample_files(DATA / "invalid"), ids=lambda p: p.name)
def test_every_invalid_fixture_yields_a_rejection(path: Path) -> None:
    _, rejections = parsed(path)
    assert rejections


@pytest.mark.samples
def test_shared_valid_samples_yield_days_and_only_known_rejections() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"shared samples absent: {SHARED}")
    # Shared samples that break the MDFF (beyond those copied into tests/data): NMIs that are not
    # 10 characters ("nmi1".."nmi99", "NMI111", "C123").
    known = {
        "Example_NEM12_ManyNMIs.zip": {"INVALID_NMI": 198, "BLOCK_REJECTED": 198},
        "Example_NEM12_no_scheduled_read.csv": {"INVALID_NMI": 1, "BLOCK_REJECTED": 1},
        "Example_different_intervals.zip": {"INVALID_NMI": 3, "BLOCK_REJECTED": 3},
    }
    for path in sample_files(SHARED):
        name = str(path.relative_to(SHARED))
        days, rejections = parsed(path)
        reasons = dict(Counter(r.reason_code for r in rejections))
        if name.startswith("invalid/"):
            assert rejections, name
        elif name in known or name in EXPECTED:
            assert reasons == (known.get(name) or EXPECTED[name][1]), name
        else:
            assert (bool(days), reasons) == (True, {}), name


# --- cross-check against nemreader ---------------------------------------------------------------


def _cross_check_params() -> list[object]:
    params: list[object] = [
        pytest.param(p, id=f"data/{p.relative_to(DATA)}") for p in sample_files(DATA)
    ]
    if SHARED.is_dir():
        params += [
            pytest.param(p, id=f"shared/{p.relative_to(SHARED)}", marks=pytest.mark.samples)
            for p in sample_files(SHARED)
        ]
    else:
        params.append(
            pytest.param(
                None,
                id="shared",
                marks=[
                    pytest.mark.samples,
                    pytest.mark.skip(reason=f"shared samples absent: {SHARED}"),
                ],
            )
        )
    return params


def _nemreader_sums(path: Path) -> dict[Key, Decimal | None] | str:
    """Per (NMI, suffix, day) sums by nemreader, in our canonical unit; or why it refused the file.

    nemreader keeps values only as floats. Meter data has far fewer than 15 significant digits, and
    ``repr`` of a float parsed from such text gives back that text, so ``Decimal(repr(x))`` recovers
    the file's exact value; the sums then compare exactly, with no tolerance.
    """
    from nemreader import NEMFile

    try:
        data = NEMFile(str(path), strict=False).nem_data()
    except Exception as exc:  # whatever it is, nemreader read nothing we could compare
        return f"{type(exc).__name__}: {exc}"
    sums: dict[Key, Decimal | None] = defaultdict(Decimal)
    for nmi, by_suffix in data.readings.items():
        for suffix, readings in by_suffix.items():
            for reading in readings:
                key = (nmi, suffix, reading.t_start.date())
                current = sums[key]
                try:
                    factor = normalise_unit(reading.uom)[1]
                except DomainError:
                    factor = None  # e.g. a voltage channel: not energy, never equal to ours
                if reading.read_value is None or current is None or factor is None:
                    sums[key] = None  # a value nemreader could not read: never equal to ours
                    continue
                sums[key] = current + Decimal(repr(reading.read_value)) * factor
    return sums


def _keys_by_line(path: Path) -> dict[int, set[Key]]:
    """Which (NMI, suffix, day) each line of a (single-member) file is about, by a naive scan.

    A 300 line and its 400 lines are about their day; a 200 line is about every day of its block.
    """
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            raw = archive.read(archive.namelist()[0])
    else:
        raw = path.read_bytes()
    text = raw.decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    keys: dict[int, set[Key]] = {}
    block: tuple[str, str, set[Key]] | None = None
    day: Key | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        fields = line.strip().split(",")
        if fields[0] == "200" and len(fields) > 4:
            block = (fields[1], fields[4], set())
            keys[number] = block[2]
            day = None
        elif fields[0] == "300" and block and len(fields) > 1:
            try:
                on = datetime.strptime(fields[1], "%Y%m%d").date()  # noqa: DTZ007 - a date only
            except ValueError:
                continue
            day = (block[0], block[1], on)
            keys[number] = {day}
            block[2].add(day)
        elif fields[0] == "400" and day:
            keys[number] = {day}
    return keys


_FILE_LEVEL = {"MISSING_HEADER", "MISSING_END_RECORD", "NO_DATA", "EMPTY_FILE"}


@pytest.mark.parametrize("path", _cross_check_params())
def test_day_sums_equal_nemreaders(path: Path) -> None:
    """Every (NMI, suffix, day) that nemreader reads we read with the same exact sum, or reject.

    Days touched by one of our record rejections (a rejected 200 block, 300 or 400 record, records
    after the 900) are excluded from the comparison — nemreader reads many of them regardless — but
    a day nemreader reads must then be one that we rejected, never one we silently dropped.
    """
    pytest.importorskip("nemreader", reason="nemreader (cross-check only) is not installed")
    theirs = _nemreader_sums(path)
    if isinstance(theirs, str):
        pytest.skip(f"nemreader refuses this file ({theirs[:80]}); nothing to compare")
    days, rejections = parsed(path)
    ours: dict[Key, Decimal] = defaultdict(Decimal)
    for day in days:
        ours[(day.supply_point_id, day.channel, day.read_on)] += sum(
            value for value in day.values if value is not None
        )
    keys_by_line = _keys_by_line(path)
    excluded = {
        key
        for rejection in rejections
        if rejection.reason_code not in _FILE_LEVEL
        for key in keys_by_line.get(rejection.source.line, ())
    }
    compared = 0
    for key in sorted(set(ours) | set(theirs)):
        if key in excluded:
            continue
        assert key in ours, f"nemreader read {key}, which we neither read nor rejected"
        assert key in theirs, f"we read {key}, which nemreader did not"
        assert ours[key] == theirs[key], key
        compared += 1
    assert compared or rejections, "nothing compared and nothing rejected"
