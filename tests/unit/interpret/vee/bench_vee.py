"""Throughput of the vectorised VEE rules (a benchmark, not a test: ``python -m`` it).

    .venv/bin/python -m tests.unit.interpret.vee.bench_vee [channel_days]

Builds ~100k channel-days (2,000 channels x 50 days, 48 half-hours, a few injected defects) as
arrays, then times: history (trailing 28-day window), every interval rule with issue building,
the register rules over as many reads, and the ``from_days`` builder on 10k canonical days.
"""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import ChannelDay, Direction, Quality, SourceRef
from meter2cash.interpret.vee import (
    ChannelDayBatch,
    DailyHistory,
    RegisterContext,
    RegisterReadBatch,
    pack,
    validate_intervals,
    validate_registers,
)
from meter2cash.interpret.vee.arrays import object_array
from meter2cash.interpret.vee.register_batch import NEVER, NO_INSTANT


def interval_batch(n_days: int, rng: np.random.Generator) -> ChannelDayBatch:
    channels, days = max(n_days // 50, 1), 50
    n = channels * days
    shape = np.sin(np.linspace(0, 2 * np.pi, 48)) * 0.2 + 0.4
    values = (rng.gamma(8, 1 / 8, (n, 48)) * shape * 1_000_000).astype(np.int64)
    present = np.ones((n, 48), dtype=bool)
    defects = rng.choice(n, n // 200, replace=False)
    values[defects[::3], 7] *= 30  # spikes
    values[defects[1::3], 9] *= -1  # negatives
    present[defects[2::3], 11:14] = False  # gaps
    sp = np.repeat(np.array([f"SP{c:06d}" for c in range(channels)], dtype=object), days)
    start = np.datetime64("2024-01-01")
    read_on = np.tile(start + np.arange(days), channels)
    return ChannelDayBatch(
        supply_point_id=sp,
        market=object_array(["GB"] * n),
        channel=object_array(["E1"] * n),
        direction=object_array(["import"] * n),
        unit=object_array(["kWh"] * n),
        zone=object_array(["Europe/London"] * n),
        read_on=read_on,
        day_start_s=(read_on.astype("datetime64[s]").astype(np.int64)),
        interval_minutes=np.full(n, 30, dtype=np.int64),
        n_intervals=np.full(n, 48, dtype=np.int64),
        day_intervals=np.full(n, 48, dtype=np.int64),
        values=values,
        present=present,
        quality=np.where(present, ord("A"), ord("N")).astype(np.uint8),
        version=np.ones(n, dtype=np.int64),
        delivery=object_array(["file-1"] * n),
        meter_serial=object_array([None] * n),
        source=object_array([SourceRef("f" * 64, k + 1) for k in range(n)]),
    )


def register_batch(n: int, rng: np.random.Generator) -> tuple[RegisterReadBatch, RegisterContext]:
    per, meters = 20, max(n // 20, 1)
    n = per * meters
    advances = rng.integers(200, 300, (meters, per)) * 1_000_000
    value = (np.cumsum(advances, axis=1) % (100_000 * 1_000_000)).reshape(-1)
    reads = RegisterReadBatch(
        supply_point_id=np.repeat(np.array([f"SP{m}" for m in range(meters)], dtype=object), per),
        market=object_array(["GB"] * n),
        meter_serial=object_array(["M"] * n),
        register_id=object_array(["R1"] * n),
        read_at_s=np.tile(1_700_000_000 + np.arange(per) * 30 * 86_400, meters),
        value=value,
        integer_digits=np.full(n, 5),
        decimals=np.zeros(n, dtype=np.int64),
        quality=np.full(n, ord("A")),
        read_type=object_array([None] * n),
        time_pattern=object_array([None] * n),
        applied_multiplier=np.zeros(n, dtype=np.int64),
        unit=object_array(["kWh"] * n),
        version=np.ones(n, dtype=np.int64),
        source=object_array([SourceRef("r" * 64, k + 1) for k in range(n)]),
    )
    context = RegisterContext.unknown(n).with_columns(
        digits=np.full(n, 5), installed_at_s=np.full(n, NO_INSTANT), removed_at_s=np.full(n, NEVER)
    )
    return reads, context


def canonical_days(count: int) -> list[ChannelDay]:
    values = tuple(Decimal("0.412") for _ in range(48))
    start = date(2024, 1, 1)
    return [
        ChannelDay(
            supply_point_id=f"SP{k // 50}",
            market="GB",
            channel="E1",
            direction=Direction.IMPORT,
            unit=Unit.KWH,
            read_on=start + timedelta(days=k % 50),
            zone="Europe/London",
            interval_minutes=30,
            values=values,
            qualities=(Quality.ACTUAL,) * 48,
            methods=(None,) * 48,
            reasons=(None,) * 48,
            source=SourceRef("f" * 64, k),
            source_unit="kWh",
        )
        for k in range(count)
    ]


def timed(label: str, count: int, unit: str, action):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    print(f"{label:<46} {seconds:7.3f} s  {count / seconds:>12,.0f} {unit}/s")
    return result, seconds


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = np.random.default_rng(7)
    batch = interval_batch(n, rng)
    rows, intervals = len(batch), len(batch) * 48
    print(f"{rows:,} channel-days, {intervals:,} intervals")
    history, h = timed(
        "history (28-day window, runs)",
        rows,
        "channel-days",
        lambda: DailyHistory.from_batch(batch, window=28),
    )
    found, r = timed(
        "interval rules + issues (history given)",
        rows,
        "channel-days",
        lambda: validate_intervals(batch, history=history),
    )
    print(f"{'  = intervals':<46} {'':7}    {intervals / r:>12,.0f} intervals/s")
    total = h + r
    print(
        f"{'history + rules':<46} {total:7.3f} s  {rows / total:>12,.0f} channel-days/s"
        f"  {intervals / total:,.0f} intervals/s"
    )
    print(f"  issues: {len(found.issues):,}; billable rows {int(found.billable().sum()):,}")
    reads, context = register_batch(n, rng)
    timed("register rules", len(reads), "reads", lambda: validate_registers(reads, context))
    stored = [[412_000] * 47 + [None] for _ in range(rows)]  # as the store keeps them
    flags = ["A" * 47 + "N"] * rows
    timed("pack (store rows of micro-units)", rows, "channel-days", lambda: pack(stored, flags))
    days = canonical_days(10_000)
    timed(
        "ChannelDayBatch.from_days (10k days)",
        len(days),
        "channel-days",
        lambda: ChannelDayBatch.from_days(days, [1] * len(days)),
    )


if __name__ == "__main__":
    main()
