"""Germination percentages with their confidence intervals (no models)."""

from __future__ import annotations

from dataclasses import dataclass

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Germination:
    germinated: int
    seeds: int
    percent: float
    low: float
    high: float


def germination(germinated: int, seeds: int, confidence: float = CONFIDENCE) -> Germination:
    """Germination % and its confidence interval (Wilson score interval: it stays inside
    0-100 % and keeps its coverage near 0 % and 100 %, where the normal approximation fails)."""
    if seeds <= 0 or not 0 <= germinated <= seeds:
        raise ValueError(f"{germinated} germinated of {seeds} seeds")
    # statsmodels takes seconds to import: only this computation loads it.
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(germinated, seeds, alpha=1 - confidence, method="wilson")
    return Germination(
        germinated=germinated,
        seeds=seeds,
        percent=100.0 * germinated / seeds,
        low=min(100.0, max(0.0, 100.0 * float(low))),
        high=min(100.0, max(0.0, 100.0 * float(high))),
    )
