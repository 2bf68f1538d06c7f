"""Household load and rooftop solar shapes, in integer milli-kWh per interval.

A supply point draws a :class:`LoadProfile` once (annual consumption 2,000-8,000 kWh, the hours and
heights of its morning and evening peaks, how strongly it follows the season, whether it has solar),
then every day is: annual/365 x season x weekday/weekend x a day factor, spread over the day's
intervals by the profile's daily shape and multiplied by per-interval noise. With solar the meter is
net: import is load minus generation where positive, export the rest (the NEM12 ``B1`` channel).

Only ``+ - * /`` on floats and :class:`random.Random` feed the values (no ``exp``/``cos``, whose
last bit can differ between C libraries), then each value is rounded once to an integer; so the same
arguments give the same integers wherever CPython runs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from meter2cash.synth.calendar import Calendar, DaySlot

_WEEKEND_ENERGY = 1.08
_SOLAR_NOON = 12.0  # local standard time
_EXPECTED_CLOUD = 0.625  # mean of the daily cloud factor: what an estimate assumes


@dataclass(frozen=True, slots=True)
class LoadProfile:
    annual_kwh: int
    base: float  # overnight load relative to the peaks: the 03:00 trough
    morning_hour: float
    morning_height: float
    evening_hour: float
    evening_height: float
    daytime_height: float
    season_amplitude: float  # winter/summer swing around the annual mean, e.g. 0.3 = +/-30 %
    solar_kw: float  # 0.0 without solar


def draw_profile(rng: random.Random, *, solar: bool) -> LoadProfile:
    return LoadProfile(
        annual_kwh=rng.randint(2_000, 8_000),
        base=0.25 + 0.15 * rng.random(),
        morning_hour=6.5 + 1.5 * rng.random(),
        morning_height=0.5 + 0.5 * rng.random(),
        evening_hour=17.5 + 2.0 * rng.random(),
        evening_height=1.2 + 0.8 * rng.random(),
        daytime_height=0.15 + 0.25 * rng.random(),
        season_amplitude=0.2 + 0.15 * rng.random(),
        solar_kw=(2.5 + 4.1 * rng.random()) if solar else 0.0,
    )


def _bump(hour: float, centre: float, half_width: float) -> float:
    """A smooth bell (biweight kernel): 1 at ``centre``, 0 beyond ``half_width`` hours away."""
    u = (hour - centre) / half_width
    if not -1.0 < u < 1.0:
        return 0.0
    v = 1.0 - u * u
    return v * v


def shape_weight(profile: LoadProfile, hour: float, weekend: bool) -> float:
    """Relative load at a local clock hour: a trough at 03:00-05:00, a morning and a (higher)
    evening peak; at weekends the morning comes later and spreads, and more is used by day."""
    morning_hour, morning_width, daytime = profile.morning_hour, 1.6, profile.daytime_height
    if weekend:
        morning_hour, morning_width, daytime = morning_hour + 1.5, 2.4, daytime * 2.0
    late = _bump(hour, 22.5, 2.5) + _bump(hour, -1.5, 2.5)  # the evening tail, past midnight
    return (
        profile.base
        + 0.2 * _bump(hour, 14.5, 9.5)  # people awake and about: 05:00-24:00
        + profile.morning_height * _bump(hour, morning_hour, morning_width)
        + daytime * _bump(hour, 13.5, 5.0)
        + profile.evening_height * _bump(hour, profile.evening_hour, 3.2)
        + 0.3 * late
    )


class SupplyPointLoad:
    """Generates one supply point's days from its profile; caches the shapes each layout needs."""

    def __init__(self, profile: LoadProfile, calendar: Calendar, rng: random.Random) -> None:
        self.profile = profile
        self._calendar = calendar
        self._random = rng.random
        self._daily_milli = profile.annual_kwh * 1000 / 365
        self._interval_hours = calendar.interval_minutes / 60
        self._fractions: dict[tuple[int, bool], list[float]] = {}

    @property
    def has_export(self) -> bool:
        return self.profile.solar_kw > 0

    def day(self, slot: DaySlot) -> tuple[list[int], list[int] | None]:
        """(import, export or None) in milli-kWh for one day, with noise."""
        rnd = self._random
        total = self._day_total(slot) * (0.85 + 0.3 * rnd())
        fractions = self.fractions(slot)
        if not self.has_export:
            return [int(total * f * (0.75 + 0.5 * rnd()) + 0.5) for f in fractions], None
        load = [int(total * f * (0.75 + 0.5 * rnd()) + 0.5) for f in fractions]
        scale, sun = self._sun(slot, cloud=0.25 + 0.75 * rnd())
        generation = [int(scale * s * (0.9 + 0.2 * rnd()) + 0.5) if s else 0 for s in sun]
        return _net(load, generation)

    def expected(self, slot: DaySlot) -> tuple[list[int], list[int] | None]:
        """The same day without noise: what an estimation method would plausibly produce."""
        total = self._day_total(slot)
        load = [int(total * f + 0.5) for f in self.fractions(slot)]
        if not self.has_export:
            return load, None
        scale, sun = self._sun(slot, cloud=_EXPECTED_CLOUD)
        return _net(load, [int(scale * s + 0.5) for s in sun])

    def _day_total(self, slot: DaySlot) -> float:
        season = 1.0 + self.profile.season_amplitude * slot.winter
        return self._daily_milli * season * (_WEEKEND_ENERGY if slot.weekend else 1.0)

    def fractions(self, slot: DaySlot) -> list[float]:
        """Fractions of a 24-hour day's energy per interval: a 23-hour day sums to less than 1."""
        key = (slot.layout, slot.weekend)
        fractions = self._fractions.get(key)
        if fractions is None:
            weight = shape_weight
            base = sum(
                weight(self.profile, h, slot.weekend) for h in self._calendar.regular_wall_hours
            )
            hours = self._calendar.layouts[slot.layout].wall_hours
            fractions = [weight(self.profile, h, slot.weekend) / base for h in hours]
            self._fractions[key] = fractions
        return fractions

    def _sun(self, slot: DaySlot, *, cloud: float) -> tuple[float, list[float]]:
        """Peak-scaled generation per interval: longer and stronger days in summer."""
        half_width = 6.0 - 1.5 * slot.winter
        strength = 0.8 - 0.2 * slot.winter
        scale = self.profile.solar_kw * 1000 * self._interval_hours * strength * cloud
        hours = self._calendar.layouts[slot.layout].sun_hours
        return scale, [_bump(h, _SOLAR_NOON, half_width) for h in hours]


def _net(load: list[int], generation: list[int]) -> tuple[list[int], list[int]]:
    imported = [lo - g if lo > g else 0 for lo, g in zip(load, generation, strict=True)]
    exported = [g - lo if g > lo else 0 for lo, g in zip(load, generation, strict=True)]
    return imported, exported
