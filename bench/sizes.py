"""How big each figure's data is in each mode: ``smoke`` (CI, < 60 s), ``quick`` (``make bench``,
< 10 min on the reference 2-core machine) and ``full`` (``make bench-full``, about 1.5 hours, most
of it converting 1 GB)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    mode: str
    runs: int  # samples per figure; the figure is their median
    timeout: float  # seconds one child may take before it is killed
    parse_values: int  # interval values in the nem12/m2c-jsonl parse files (figure 1), and a cap
    parse_seconds: float  # other formats: a file sized to parse in about this long (figure 1)
    nemreader_values: int  # NEM12 file read by both parsers (figure 2); nemreader holds it all
    chain_supply_points: int  # end-to-end run (figure 3), over chain_days days each
    chain_days: int
    rating_bills: int  # bills rated per run (figure 4)
    growth_base_supply_points: int  # figure 5 runs 1x, 4x and 16x this many, chain_days days each
    memory_parse_values: int  # the large NEM12 file parsed for peak RSS (figure 6)
    memory_convert_values: int  # the NEM12 file converted for peak RSS (figure 6, one run)
    memory_small_values: int  # the small file beside them: RSS growth = large - small
    profile_supply_points: int  # the profiled end-to-end run (figure 8), chain_days days each
    vee_supply_points: int  # validation + estimation (figure 9): half-hourly NEM12 with defects,
    vee_days: int  # a quarter of the supply points with an export channel too

    def note(self) -> str:
        return {
            "smoke": "smoke: tiny sizes, one run each; checks the harness, the figures mean nothing",
            "quick": "quick (`make bench`): small sizes, median of 3",
            "full": "full (`make bench-full`): larger sizes, median of 3",
        }[self.mode]


SMOKE = Sizes(
    mode="smoke",
    runs=1,
    timeout=120,
    parse_values=20_000,
    parse_seconds=0.2,
    nemreader_values=10_000,
    chain_supply_points=2,
    chain_days=7,
    rating_bills=2_000,
    growth_base_supply_points=1,
    memory_parse_values=100_000,
    memory_convert_values=20_000,
    memory_small_values=5_000,
    profile_supply_points=2,
    vee_supply_points=40,
    vee_days=30,
)

QUICK = Sizes(
    mode="quick",
    runs=3,
    timeout=900,
    parse_values=5_000_000,
    parse_seconds=3,
    nemreader_values=1_000_000,
    chain_supply_points=200,
    chain_days=30,
    rating_bills=100_000,
    growth_base_supply_points=8,
    memory_parse_values=15_000_000,  # ~100 MB of NEM12
    memory_convert_values=2_000_000,  # ~13 MB: convert runs at ~65k records/s
    memory_small_values=150_000,  # ~1 MB
    profile_supply_points=50,
    vee_supply_points=2_000,  # 3.6 M intervals: 2,000 x 30 days x 48, plus 500 export channels
    vee_days=30,
)

FULL = Sizes(
    mode="full",
    runs=3,
    timeout=7_200,
    parse_values=50_000_000,
    parse_seconds=30,
    nemreader_values=10_000_000,  # ~4 GB resident in nemreader
    chain_supply_points=1_000,
    chain_days=30,
    rating_bills=1_000_000,
    growth_base_supply_points=16,
    memory_parse_values=150_000_000,  # ~1 GB of NEM12
    memory_convert_values=150_000_000,
    memory_small_values=1_500_000,  # ~10 MB
    profile_supply_points=200,
    vee_supply_points=6_000,  # 10.8 M intervals
    vee_days=30,
)

MODES = {s.mode: s for s in (SMOKE, QUICK, FULL)}
