"""Minimal writers for the formats the synthetic generator does not write, fed by its values.

The source is a ``meter2cash.synth`` m2c-jsonl file (GB supply points, January: every day has 48
half-hours, every value three decimals); each writer re-renders its channel-days in one format's
layout, as the parser's module docstring quotes it. Only what that parser needs is written. Before a
large file is timed, a small one must parse with no rejection and exactly the values written.

- ``mscons``: one message per supply point, ``UNA:+,? '`` (decimal comma), one segment per line,
  ``LOC+172`` MaLo-ID, ``PIA+5`` OBIS 1-1:1.29.0 / 1-1:2.29.0, and per value ``QTY+220`` with
  ``DTM+163``/``DTM+164`` in Europe/Berlin local time with its offset (format 303).
- ``espi``: an Atom feed per the Green Button samples: UsagePoint, LocalTimeParameters (UTC),
  MeterReading and ReadingType (Wh, 1800 s) per channel, one IntervalBlock entry per day.
- ``dtc``: D0010 002, ``026``/``028`` per MPAN and one ``030`` cumulative import register reading
  per day (midnight, UK time), with a ``ZPT`` trailer that counts lines and MPANs.
- ``nem13``: one ``250`` per import channel-day, previous and current read (two register reads).
- ``stark-df2``: ``#O``/``#S`` per channel, rows ``dd/mm/yyyy,HH:MM,value,A`` by end time (UTC).
- ``uk-hh-csv``: the wide form, ``mpan_core,settlement_date,p1..p48``, import only.
- ``csv``: the shipped example mapping's layout (``examples/mappings/example-csv-mapping.yaml``):
  ``MPAN;Period ending;Consumption;Status``, decimal comma, import only.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import groupby
from pathlib import Path
from typing import IO, TYPE_CHECKING
from zoneinfo import ZoneInfo

from bench.datasets import Dataset
from bench.measure import ROOT, run_child

if TYPE_CHECKING:
    from bench.context import Context

HALF_HOUR = timedelta(minutes=30)
CHECK_VALUES = 10_000  # the small file checked (and timed, to size the large one) first


@dataclass(frozen=True)
class SourceDay:
    index: int  # the supply point's ordinal in the source file
    mpan: str
    channel: str  # "AI" import, "AE" export
    read_on: date
    values: list[str]  # kWh, three decimals


def source_days(path: Path) -> Iterator[SourceDay]:
    ordinals: dict[str, int] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            day = json.loads(line)
            values = day["values"]
            if len(values) != 48 or day["interval_minutes"] != 30:
                raise ValueError(f"bench writers take 48-value days, got {day['read_on']}")
            index = ordinals.setdefault(day["supply_point_id"], len(ordinals))
            read_on = date.fromisoformat(day["read_on"])
            yield SourceDay(index, day["supply_point_id"], day["channel"], read_on, values)


def _imports(days: Iterable[SourceDay]) -> Iterator[SourceDay]:
    return (d for d in days if d.channel == "AI")


def _milli(text: str) -> int:
    whole, _, frac = text.partition(".")
    return int(whole + frac)


def _kwh(milli: int) -> str:
    return f"{milli // 1000}.{milli % 1000:03d}"


@cache
def _utc_ends(on: date) -> tuple[datetime, ...]:
    start = datetime.combine(on, time(), tzinfo=UTC)
    return tuple(start + (k + 1) * HALF_HOUR for k in range(48))


# --- MSCONS ------------------------------------------------------------------------------------

_BERLIN = ZoneInfo("Europe/Berlin")


@cache
def _berlin_marks(on: date) -> tuple[str, ...]:
    """DTM values (format 303) of the 49 half-hour boundaries of a Berlin day of 48 half-hours."""
    start = datetime.combine(on, time(), tzinfo=_BERLIN).astimezone(UTC)
    marks = []
    for k in range(49):
        local = (start + k * HALF_HOUR).astimezone(_BERLIN)
        offset = local.utcoffset() or timedelta(0)
        marks.append(f"{local:%Y%m%d%H%M}?+{offset.seconds // 3600:02d}")
    return tuple(marks)


def _malo_id(index: int) -> str:
    from meter2cash.domain.supply_point import malo_id_check_digit

    first10 = f"5{index:09d}"
    return f"{first10}{malo_id_check_digit(first10)}"


def write_mscons(days: Iterable[SourceDay], out: IO[str]) -> int:
    out.write("UNA:+,? '\nUNB+UNOC:3+9900000000001:500+9900000000002:500+240201:0600+BENCH1'\n")
    values = messages = 0
    for index, group in groupby(days, key=lambda d: d.index):
        messages += 1
        segments = [
            f"UNH+{messages}+MSCONS:D:04B:UN:2.4c",
            f"BGM+7+BENCH-{messages}+9",
            "DTM+137:202402010600?+01:303",
            "NAD+MS+9900000000001::293",
            "NAD+MR+9900000000002::293",
            "UNS+D",
            "NAD+DP",
            f"LOC+172+{_malo_id(index)}",
        ]
        for number, (channel, channel_days) in enumerate(groupby(group, key=lambda d: d.channel)):
            obis = "1-1?:1.29.0" if channel == "AI" else "1-1?:2.29.0"
            segments += [f"LIN+{number + 1}", f"PIA+5+{obis}:SRW"]
            for day in channel_days:
                marks = _berlin_marks(day.read_on)
                for k, value in enumerate(day.values):
                    segments += [
                        f"QTY+220:{value.replace('.', ',')}",
                        f"DTM+163:{marks[k]}:303",
                        f"DTM+164:{marks[k + 1]}:303",
                    ]
                values += len(day.values)
        segments.append(f"UNT+{len(segments) + 1}+{messages}")
        out.write("'\n".join(segments) + "'\n")
    out.write(f"UNZ+{messages}+BENCH1'\n")
    return values


# --- ESPI (Green Button) -----------------------------------------------------------------------

_FEED = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
    'xmlns:espi="http://naesb.org/espi">\n  <id>urn:uuid:bench-feed</id>\n'
    "  <title>meter2cash bench feed</title>\n  <updated>2024-02-01T06:00:00Z</updated>\n"
)
_BASE = "https://bench.example/DataCustodian/espi/1_1/resource"


def _entry(uid: str, self_href: str, up: str, related: list[str], content: str) -> str:
    links = "".join(f'    <link rel="related" href="{_BASE}/{r}"/>\n' for r in related)
    return (
        f"  <entry>\n    <id>urn:uuid:{uid}</id>\n"
        f'    <link rel="self" href="{_BASE}/{self_href}"/>\n    <link rel="up" href="{_BASE}/{up}"/>\n'
        f"{links}    <content>\n{content}    </content>\n"
        "    <published>2024-02-01T06:00:00Z</published>\n    <updated>2024-02-01T06:00:00Z</updated>\n"
        "  </entry>\n"
    )


def _espi_usage_point(index: int, channels: list[str]) -> str:
    point = f"RetailCustomer/1/UsagePoint/{index + 1}"
    readings = [f"{point}/MeterReading/{n + 1:02d}" for n in range(len(channels))]
    text = _entry(
        f"bench-up-{index}",
        point,
        "RetailCustomer/1/UsagePoint",
        [f"{point}/MeterReading", "LocalTimeParameters/01"],
        '      <UsagePoint xmlns="http://naesb.org/espi">\n        <ServiceCategory>'
        "<kind>0</kind></ServiceCategory>\n      </UsagePoint>\n",
    )
    for n, channel in enumerate(channels):
        reading_type = f"ReadingType/{index + 1}-{channel}"
        flow = 1 if channel == "AI" else 19  # forward (delivered) / reverse (received)
        text += _entry(
            f"bench-mr-{index}-{channel}",
            readings[n],
            f"{point}/MeterReading",
            [f"{readings[n]}/IntervalBlock", reading_type],
            '      <MeterReading xmlns="http://naesb.org/espi"/>\n',
        )
        text += _entry(
            f"bench-rt-{index}-{channel}",
            reading_type,
            "ReadingType",
            [],
            '      <ReadingType xmlns="http://naesb.org/espi">\n'
            "        <accumulationBehaviour>4</accumulationBehaviour><commodity>1</commodity>"
            f"<dataQualifier>12</dataQualifier><flowDirection>{flow}</flowDirection>"
            "<intervalLength>1800</intervalLength><kind>12</kind>"
            "<powerOfTenMultiplier>0</powerOfTenMultiplier><uom>72</uom>\n"
            "      </ReadingType>\n",
        )
    return text


def write_espi(days: Iterable[SourceDay], out: IO[str]) -> int:
    out.write(_FEED)
    out.write(
        _entry(
            "bench-ltp",
            "LocalTimeParameters/01",
            "LocalTimeParameters",
            [],
            '      <LocalTimeParameters xmlns="http://naesb.org/espi">\n'
            "        <dstEndRule>FFFFFFFF</dstEndRule><dstOffset>0</dstOffset>"
            "<dstStartRule>FFFFFFFF</dstStartRule><tzOffset>0</tzOffset>\n"
            "      </LocalTimeParameters>\n",
        )
    )
    values = 0
    for index, group in groupby(days, key=lambda d: d.index):
        supply_days = list(group)
        channels = list(dict.fromkeys(d.channel for d in supply_days))
        out.write(_espi_usage_point(index, channels))
        for day in supply_days:
            reading = f"RetailCustomer/1/UsagePoint/{index + 1}/MeterReading/{channels.index(day.channel) + 1:02d}"
            start = int(datetime.combine(day.read_on, time(), tzinfo=UTC).timestamp())
            block = [
                f'      <IntervalBlock xmlns="http://naesb.org/espi">\n        <interval>'
                f"<duration>86400</duration><start>{start}</start></interval>\n"
            ]
            block += [
                f"        <IntervalReading><timePeriod><duration>1800</duration><start>"
                f"{start + 1800 * k}</start></timePeriod><value>{_milli(v)}</value></IntervalReading>\n"
                for k, v in enumerate(day.values)
            ]
            block.append("      </IntervalBlock>\n")
            out.write(
                _entry(
                    f"bench-ib-{index}-{day.channel}-{day.read_on}",
                    f"{reading}/IntervalBlock/{day.read_on:%Y%m%d}",
                    f"{reading}/IntervalBlock",
                    [],
                    "".join(block),
                )
            )
            values += len(day.values)
    out.write("</feed>\n")
    return values


# --- D0010, NEM13: register reads ----------------------------------------------------------------


def write_d0010(days: Iterable[SourceDay], out: IO[str]) -> int:
    lines: list[str] = []
    mpans = 0
    for index, group in groupby(_imports(days), key=lambda d: d.index):
        group_days = list(group)
        mpans += 1
        lines += [f"026|{group_days[0].mpan}|V|", f"028|S{index:09d}|C|"]
        register = 10_000_000 + 7_919 * index  # milli-kWh
        for day in group_days:
            register += sum(_milli(v) for v in day.values)
            lines.append(
                f"030|01|{day.read_on + timedelta(days=1):%Y%m%d}000000|{_kwh(register)}|||T|N|"
            )
    reads = sum(1 for line in lines if line.startswith("030"))
    out.write("ZHV|BENCH00001|D0010002|D|BNCH|X|MRCY|20240201060000||||OPER|\n")
    out.write("\n".join(lines) + "\n")
    out.write(f"ZPT|BENCH00001|{len(lines)}||{mpans}|20240201060500|\n")
    return reads


def write_nem13(days: Iterable[SourceDay], out: IO[str]) -> int:
    from meter2cash.synth.ids import SupplyPointIds

    nmis = SupplyPointIds(7)
    out.write("100,NEM13,202402010600,BENCHMDP,BENCHRET\n")
    reads = 0
    for index, group in groupby(_imports(days), key=lambda d: d.index):
        nmi = nmis.nmi(index)
        register = 1_000_000 + 7_919 * index
        for day in group:
            used = sum(_milli(v) for v in day.values)
            start, end = day.read_on, day.read_on + timedelta(days=1)
            out.write(
                f"250,{nmi},11,1,11,11,M{index:07d},E,{_kwh(register)},{start:%Y%m%d}000000,A,,,"
                f"{_kwh(register + used)},{end:%Y%m%d}000000,A,,,{_kwh(used)},kWh,"
                f"{end + timedelta(days=90):%Y%m%d},{end:%Y%m%d}060000,\n"
            )
            register += used
            reads += 2
    out.write("900\n")
    return reads


# --- UK half-hourly exports --------------------------------------------------------------------


def write_df2(days: Iterable[SourceDay], out: IO[str]) -> int:
    out.write("#F2\n")
    values = 0
    for (_index, channel), group in groupby(days, key=lambda d: (d.index, d.channel)):
        group_days = list(group)
        out.write(f"#O {group_days[0].mpan}\n#S {1 if channel == 'AI' else 2}\n")
        for day in group_days:
            ends = _utc_ends(day.read_on)
            out.write(
                "".join(
                    f"{e:%d/%m/%Y,%H:%M},{v},A\n" for e, v in zip(ends, day.values, strict=True)
                )
            )
            values += len(day.values)
    return values


def write_uk_hh_csv(days: Iterable[SourceDay], out: IO[str]) -> int:
    out.write("mpan_core,settlement_date," + ",".join(f"p{k}" for k in range(1, 49)) + "\n")
    values = 0
    for day in _imports(days):
        out.write(f"{day.mpan},{day.read_on.isoformat()},{','.join(day.values)}\n")
        values += len(day.values)
    return values


def write_generic_csv(days: Iterable[SourceDay], out: IO[str]) -> int:
    out.write("MPAN;Period ending;Consumption;Status\n")
    values = 0
    for day in _imports(days):
        ends = _utc_ends(day.read_on)  # January: UK clock time is UTC
        out.write(
            "".join(
                f"{day.mpan};{e:%d/%m/%Y %H:%M};{v.replace('.', ',')};A\n"
                for e, v in zip(ends, day.values, strict=True)
            )
        )
        values += len(day.values)
    return values


@dataclass(frozen=True)
class FormatWriter:
    write: Callable[[Iterable[SourceDay], IO[str]], int]
    suffix: str
    unit: str = "values"  # or "records": register reads
    mapping: Path | None = None


WRITERS = {
    "mscons": FormatWriter(write_mscons, ".edi"),
    "espi": FormatWriter(write_espi, ".xml"),
    "dtc": FormatWriter(write_d0010, ".uff", unit="records"),
    "nem13": FormatWriter(write_nem13, ".csv", unit="records"),
    "stark-df2": FormatWriter(write_df2, ".df2"),
    "uk-hh-csv": FormatWriter(write_uk_hh_csv, ".csv"),
    "csv": FormatWriter(
        write_generic_csv,
        ".csv",
        mapping=ROOT / "examples" / "mappings" / "example-csv-mapping.yaml",
    ),
}


def _write(fmt: str, source: Dataset, out: Path) -> Dataset:
    writer = WRITERS[fmt]
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        count = writer.write(source_days(source.path), handle)
    return Dataset(
        out.stem,
        fmt,
        (out,),
        source.supply_points,
        source.days,
        source.channel_days,
        count,
        out.stat().st_size,
        writer.unit,
    )


def source_values_for(ctx: Context, small: Dataset, source_values: int, mapping: str | None) -> int:
    """How many source values make ``small``'s format parse in about ``parse_seconds``, once
    ``small`` (written from ``source_values``) parsed cleanly; ValueError when it did not.

    Parsers differ by two orders of magnitude, so each large file is sized from the small one's
    time, within [the small file, ``parse_values``].
    """
    check = run_child(
        "figures.parse:parse_task",
        timeout=ctx.sizes.timeout,
        path=str(small.path),
        fmt=small.fmt,
        mapping=mapping,
    ).result
    parsed = check["registers"] if small.unit == "records" else check["values"]
    if check["rejections"] or parsed != small.values:
        raise ValueError(
            f"the bench's {small.fmt} file does not parse cleanly: wrote {small.values:,} "
            f"{small.unit}, parsed {parsed:,} with {check['rejections']} rejections: "
            + "; ".join(check["first_rejections"])
        )
    scaled = source_values * ctx.sizes.parse_seconds / max(check["seconds"], 1e-6)
    return int(min(ctx.sizes.parse_values, max(source_values, scaled)))


def dataset_for(ctx: Context, fmt: str) -> tuple[Dataset, str | None]:
    """The large file of ``fmt`` for figure 1 (see :func:`source_values_for`)."""
    from meter2cash.ingest import FORMATS

    if fmt not in WRITERS:
        raise LookupError("no bench writer for this format yet")
    (registered,) = (f for f in FORMATS if f.name == fmt)
    if not hasattr(importlib.import_module(registered.module), "parse"):
        raise LookupError("the parser module is incomplete in this build (no parse())")
    writer = WRITERS[fmt]
    mapping = str(writer.mapping) if writer.mapping else None
    small_source = ctx.data.synth_values("m2c-jsonl", CHECK_VALUES, days=2)
    small = _write(fmt, small_source, ctx.data.workdir / f"check-{fmt}{writer.suffix}")
    values = source_values_for(ctx, small, small_source.values, mapping)
    source = ctx.data.synth_values("m2c-jsonl", values)
    return _write(fmt, source, ctx.data.workdir / f"{fmt}-{source.values}{writer.suffix}"), mapping
