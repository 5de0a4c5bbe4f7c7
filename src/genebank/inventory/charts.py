"""Charts of a storage unit's data-logger readings, as geometry for an inline SVG (no JavaScript).

The page draws one chart per quantity (temperature, relative humidity): the readings as a line,
the set points as a shaded band, readings outside it as red dots.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from genebank.inventory.models import StorageLocation

WIDTH, HEIGHT = 640, 180
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 10, 24
# More points than pixels only slow the browser down: keep about two per pixel.
MAX_POINTS = 2 * (WIDTH - LEFT - RIGHT)


@dataclass
class Chart:
    title: str
    unit: str
    points: str  # the SVG polyline
    band: tuple[float, float] | None  # (y of the upper set point, height of the band)
    outside: list[tuple[float, float]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    count: int = 0
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_width: int = WIDTH - RIGHT - LEFT
    plot_bottom: int = HEIGHT - BOTTOM


def _scale(values: list[Decimal]) -> tuple[Decimal, Decimal]:
    low, high = min(values), max(values)
    spread = high - low or Decimal(1)
    return low - spread / 10, high + spread / 10


def _chart(title, unit, rows, low, high, since: datetime, until: datetime) -> Chart | None:
    if not rows:
        return None
    step = max(1, len(rows) // MAX_POINTS)
    shown = rows[::step]
    bounds = [b for b in (low, high) if b is not None]
    bottom, top = _scale([v for _t, v in rows] + bounds)
    span = (until - since).total_seconds() or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(moment) -> float:
        return LEFT + (moment - since).total_seconds() / span * plot_w

    def y(value) -> float:
        return TOP + float((top - Decimal(value)) / (top - bottom)) * plot_h

    band = None
    if bounds:
        upper = y(high) if high is not None else TOP
        lower = y(low) if low is not None else TOP + plot_h
        band = (round(upper, 1), round(lower - upper, 1))
    outside = [
        (round(x(t), 1), round(y(v), 1))
        for t, v in shown
        if (low is not None and v < low) or (high is not None and v > high)
    ]
    ticks = sorted({bottom, top, *bounds})
    return Chart(
        title=str(title),
        unit=unit,
        points=" ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in shown),
        band=band,
        outside=outside,
        y_ticks=[(round(y(v), 1), f"{v.quantize(Decimal('0.1')).normalize():f}") for v in ticks],
        x_ticks=[
            (LEFT, date_format(timezone.localtime(since), "SHORT_DATE_FORMAT")),
            (WIDTH - RIGHT, date_format(timezone.localtime(until), "SHORT_DATE_FORMAT")),
        ],
        count=len(rows),
    )


def readings_charts(location: StorageLocation, days: int = 30, now=None) -> list[Chart]:
    """Temperature and humidity charts of the last `days` days that have readings."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    rows = list(
        location.readings.filter(taken_at__gte=since, taken_at__lte=now)
        .order_by("taken_at")
        .values_list("taken_at", "temperature", "humidity")
    )
    if rows:
        since = rows[0][0]
        now = max(rows[-1][0], since + timedelta(minutes=1))
    charts = [
        _chart(
            _("Temperature"),
            "°C",
            [(t, Decimal(v)) for t, v, _h in rows if v is not None],
            location.temperature_min,
            location.temperature_max,
            since,
            now,
        ),
        _chart(
            _("Relative humidity"),
            "%",
            [(t, Decimal(h)) for t, _v, h in rows if h is not None],
            location.humidity_min,
            location.humidity_max,
            since,
            now,
        ),
    ]
    return [c for c in charts if c is not None]
