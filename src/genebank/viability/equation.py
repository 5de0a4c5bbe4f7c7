"""The seed viability equation of Ellis & Roberts (1980), free of any model or database.

    log10 sigma = KE - CW·log10(m) - CH·T - CQ·T²        v = Ki - p / sigma

sigma is the period (days) in which viability falls by one probit, m the moisture content (% on a
fresh-weight basis), T the temperature (°C), p the storage period (days), v and Ki viabilities
as normal equivalent deviates (NED, probit − 5). Every function takes numpy arrays as well as
numbers and broadcasts them, so one call projects a whole collection; the scalar helpers are
thin wrappers that return floats.

An initial viability of 100 % is an infinite Ki: the equation then keeps the lot at 100 % for
ever and the time to any lower target is infinite (numpy's inf, JSON's Infinity).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtr, ndtri

FloatArray = NDArray[np.float64]

# The range the equation and its constants were fitted on (Ellis & Roberts 1980; the limits
# viabilitymetrics warns at for temperature): about 5-25 % moisture on a fresh-weight basis and
# -20 to 90 °C. Outside it the formula still computes, but nothing says seeds behave so.
MOISTURE_RANGE = (5.0, 25.0)
TEMPERATURE_RANGE = (-20.0, 90.0)
DAYS_PER_YEAR = 365.0


class EquationError(ValueError):
    """An input the equation cannot take (a viability outside 0-100 %, a negative period, ...)."""


@dataclass(frozen=True)
class Constants:
    """A species' viability constants."""

    ke: float
    cw: float
    ch: float
    cq: float


def _array(value: ArrayLike) -> FloatArray:
    return np.asarray(value, dtype=np.float64)


def _scalar(value: Any) -> float:
    return float(np.asarray(value))


# --- checks ---------------------------------------------------------------------------------


def check_percent(value: ArrayLike, what: str) -> None:
    values = _array(value)
    bad = ~np.isfinite(values) | (values < 0) | (values > 100)
    if np.any(bad):
        raise EquationError(
            _("%(what)s must be a percentage from 0 to 100, not %(value)s.")
            % {"what": what, "value": _first(values, bad)}
        )


def check_period(value: ArrayLike, what: str) -> None:
    values = _array(value)
    bad = ~np.isfinite(values) | (values < 0)
    if np.any(bad):
        raise EquationError(
            _("%(what)s must be a period of zero days or more, not %(value)s.")
            % {"what": what, "value": _first(values, bad)}
        )


def check_conditions(moisture: ArrayLike, temperature: ArrayLike) -> None:
    m, t = _array(moisture), _array(temperature)
    bad = ~np.isfinite(m) | (m <= 0)
    if np.any(bad):
        raise EquationError(
            _("The moisture content must be a percentage above 0, not %(value)s.")
            % {"value": _first(m, bad)}
        )
    bad = ~np.isfinite(t) | (t <= -273.15)
    if np.any(bad):
        raise EquationError(
            _("The temperature must be in °C above absolute zero, not %(value)s.")
            % {"value": _first(t, bad)}
        )


def _first(values: FloatArray, bad: NDArray[np.bool_]) -> str:
    """The first offending value, as the user typed it."""
    return f"{float(np.broadcast_to(values, bad.shape)[bad].flat[0]):g}"


def warnings_for(
    constants: Constants, moisture: ArrayLike | None = None, temperature: ArrayLike | None = None
) -> list[str]:
    """Why a prediction may not hold: conditions outside the fitted range, odd constants."""
    messages: list[str] = []
    if moisture is not None:
        m = _array(moisture)
        low, high = MOISTURE_RANGE
        if np.any((m < low) | (m > high)):
            messages.append(
                _(
                    "A moisture content of %(value)s %% is outside the range the viability "
                    "constants were fitted on (%(low)g-%(high)g %%): the prediction is an "
                    "extrapolation."
                )
                % {"value": _first(m, (m < low) | (m > high)), "low": low, "high": high}
            )
    if temperature is not None:
        t = _array(temperature)
        low, high = TEMPERATURE_RANGE
        if np.any((t < low) | (t > high)):
            messages.append(
                _(
                    "A temperature of %(value)s °C is outside the range the viability constants "
                    "were fitted on (%(low)g to %(high)g °C): the prediction is an extrapolation."
                )
                % {"value": _first(t, (t < low) | (t > high)), "low": low, "high": high}
            )
    if constants.cw <= 0 or constants.ch < 0 or constants.cq < 0:
        messages.append(
            _(
                "These constants have a zero or negative coefficient (CW %(cw)g, CH %(ch)g, "
                "CQ %(cq)g): seeds would not die faster when wetter or warmer. Check their source."
            )
            % {"cw": constants.cw, "ch": constants.ch, "cq": constants.cq}
        )
    return messages


# --- the equation, vectorised ------------------------------------------------------------------


def ned(percent: ArrayLike) -> FloatArray:
    """Normal equivalent deviate of a viability percentage (100 % is +inf, 0 % is -inf)."""
    return ndtri(_array(percent) / 100.0)


def percent(deviate: ArrayLike) -> FloatArray:
    """Viability percentage of a normal equivalent deviate."""
    return ndtr(_array(deviate)) * 100.0


def percent_adjust(pct: ArrayLike, seeds: ArrayLike) -> FloatArray:
    """0 % and 100 % moved a quarter of a seed in (100·(n − 0.25)/n), so they have a finite
    NED; other values unchanged. The usual adjustment before a probit transformation."""
    p, n = _array(pct), _array(seeds)
    quarter = 100.0 * 0.25 / n
    return np.where(p >= 100.0, 100.0 - quarter, np.where(p <= 0.0, quarter, p))


def log_sigma(
    ke: ArrayLike,
    cw: ArrayLike,
    ch: ArrayLike,
    cq: ArrayLike,
    moisture: ArrayLike,
    temperature: ArrayLike,
) -> FloatArray:
    t = _array(temperature)
    return (
        _array(ke) - _array(cw) * np.log10(_array(moisture)) - _array(ch) * t - _array(cq) * t * t
    )


def sigma_days(
    ke: ArrayLike,
    cw: ArrayLike,
    ch: ArrayLike,
    cq: ArrayLike,
    moisture: ArrayLike,
    temperature: ArrayLike,
) -> FloatArray:
    """Days to lose one probit of viability."""
    return np.power(10.0, log_sigma(ke, cw, ch, cq, moisture, temperature))


def viability_after(ki: ArrayLike, sigma: ArrayLike, days: ArrayLike) -> FloatArray:
    """Viability (%) after `days` of storage, from Ki (NED) and sigma (days)."""
    k = _array(ki)
    # inf - finite stays inf: a 100 % lot stays at 100 %.
    return percent(k - _array(days) / _array(sigma))


def days_to_viability(ki: ArrayLike, sigma: ArrayLike, target_pct: ArrayLike) -> FloatArray:
    """Days for viability to fall from Ki (NED) to the target (%): 0 when it is already there,
    inf when it never gets there (Ki infinite, or a target of 0 %)."""
    k, v = _array(ki), ned(target_pct)
    with np.errstate(invalid="ignore"):
        days = (k - v) * _array(sigma)
    return np.where(v >= k, 0.0, days)


def p50_days(ki: ArrayLike, sigma: ArrayLike) -> FloatArray:
    """Days for viability to fall to 50 % (Ki·sigma)."""
    return days_to_viability(ki, sigma, 50.0)


def project(
    ke: ArrayLike,
    cw: ArrayLike,
    ch: ArrayLike,
    cq: ArrayLike,
    moisture: ArrayLike,
    temperature: ArrayLike,
    initial_pct: ArrayLike,
    target_pct: ArrayLike,
) -> FloatArray:
    """Days for each lot to fall from its initial viability to its target: one numpy pass over
    arrays of lots (each with its own constants, storage conditions and viabilities)."""
    # The formulas of sigma_days and days_to_viability, computed in place: a million lots are
    # a few arrays of 8 MB each, and every temporary array saved is a pass over memory saved.
    t, m = _array(temperature), _array(moisture)
    arrays = (ke, cw, ch, cq, m, t, initial_pct, target_pct)
    shape = np.broadcast_shapes(*(np.shape(a) for a in arrays))
    # Arrays of the result's shape to work in, so that plain numbers work in place too.
    sigma = np.log10(m, out=np.empty(shape))
    sigma *= _array(cw)
    np.subtract(_array(ke), sigma, out=sigma)
    sigma -= _array(ch) * t
    sigma -= _array(cq) * t * t
    np.power(10.0, sigma, out=sigma)
    k, v = ned(initial_pct), ned(target_pct)
    days = np.subtract(k, v, out=np.empty(shape))
    with np.errstate(invalid="ignore"):
        days *= sigma
    np.copyto(days, 0.0, where=v >= k)
    return days


# --- inverse solves ------------------------------------------------------------------------


def sigma_needed(initial_pct: float, target_pct: float, days: float) -> float:
    """The sigma that takes a lot from its initial to the target viability in `days`."""
    drop = _scalar(ned(initial_pct)) - _scalar(ned(target_pct))
    if not drop > 0:
        raise EquationError(
            _("The target viability (%(target)g %%) must be below the initial (%(initial)g %%).")
            % {"target": target_pct, "initial": initial_pct}
        )
    if np.isinf(drop):
        raise EquationError(
            _(
                "An initial viability of 100 %% or a target of 0 %% holds under any storage: "
                "there is nothing to solve."
            )
        )
    return days / drop


def moisture_for(
    constants: Constants, temperature: float, initial_pct: float, target_pct: float, days: float
) -> float:
    """The highest moisture content (% fresh weight) that keeps viability at or above the
    target for `days` at this temperature."""
    sigma = sigma_needed(initial_pct, target_pct, days)
    c = constants
    if c.cw <= 0:
        raise EquationError(_("With CW of zero or below, moisture has no effect to solve for."))
    t = temperature
    log_m = (c.ke - c.ch * t - c.cq * t * t - np.log10(sigma)) / c.cw
    return float(10.0**log_m)


def temperature_for(
    constants: Constants, moisture: float, initial_pct: float, target_pct: float, days: float
) -> float:
    """The highest temperature (°C) that keeps viability at or above the target for `days` at
    this moisture content: the upper root of CQ·T² + CH·T = KE − CW·log10(m) − log10(sigma)."""
    sigma = sigma_needed(initial_pct, target_pct, days)
    c = constants
    rhs = c.ke - c.cw * np.log10(moisture) - np.log10(sigma)
    if c.cq == 0:
        if c.ch == 0:
            raise EquationError(
                _("With CH and CQ of zero, temperature has no effect to solve for.")
            )
        return float(rhs / c.ch)
    discriminant = c.ch * c.ch + 4.0 * c.cq * rhs
    if discriminant < 0:
        raise EquationError(
            _("No temperature keeps that viability for that long at this moisture content.")
        )
    return float((-c.ch + np.sqrt(discriminant)) / (2.0 * c.cq))


# --- one lot, in plain numbers ---------------------------------------------------------------


@dataclass(frozen=True)
class Prediction:
    sigma_days: float
    ki: float | None = None
    viability_pct: float | None = None
    days_to_target: float | None = None


def predict(
    constants: Constants,
    moisture: float,
    temperature: float,
    initial_pct: float | None = None,
    days: float | None = None,
    target_pct: float | None = None,
) -> Prediction:
    """Sigma, and with an initial viability the viability after `days` and the days to the
    target. Raises EquationError on input the equation cannot take."""
    check_conditions(moisture, temperature)
    c = constants
    sigma = _scalar(sigma_days(c.ke, c.cw, c.ch, c.cq, moisture, temperature))
    if initial_pct is None:
        if days is not None or target_pct is not None:
            raise EquationError(_("A viability after a period needs the initial viability."))
        return Prediction(sigma_days=sigma)
    check_percent(initial_pct, _("The initial viability"))
    ki = _scalar(ned(initial_pct))
    viability = remaining = None
    if days is not None:
        check_period(days, _("The storage period"))
        viability = _scalar(viability_after(ki, sigma, days))
    if target_pct is not None:
        check_percent(target_pct, _("The target viability"))
        remaining = _scalar(days_to_viability(ki, sigma, target_pct))
    return Prediction(sigma_days=sigma, ki=ki, viability_pct=viability, days_to_target=remaining)
