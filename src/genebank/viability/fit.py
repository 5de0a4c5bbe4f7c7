"""A seed lot's own decline: Ki and sigma fitted to its germination tests by probit regression.

The viability equation v = Ki − p/sigma is a straight line in probits, so its two constants are
the intercept and minus the inverse slope of a probit regression of viability on the storage
period. The standard method (Hay et al. 2014; viabilitymetrics' FitSigma) is a binomial GLM
with a probit link, each test weighted by the seeds it tested; the simple alternative ("ols")
regresses the probit-transformed proportions on the period. statsmodels does the fitting.

With a control viability (the germination of the lot's seeds in the best conditions, as a
percentage), each proportion is first divided by it, as viabilitymetrics does.

sigma = −1/slope and p50 = Ki·sigma; their standard errors come from the fit's covariance by
the delta method.
"""

from __future__ import annotations

import csv
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.utils.translation import gettext as _

from genebank.viability.equation import ned, percent_adjust

MIN_TESTS = 3
METHODS = ("glm", "ols")
CSV_FIELDS = ("period_days", "tested", "germinated")


class FitError(ValueError):
    """Tests that cannot be fitted (too few, no decline); the message says why."""


class DataError(ValueError):
    """Test data that is not data: a bad CSV row, a count above the seeds tested, ..."""


@dataclass(frozen=True)
class Observation:
    """One germination test, or one replicate of it."""

    period_days: float
    tested: int
    germinated: int


@dataclass(frozen=True)
class Fit:
    method: str
    ki: float
    ki_se: float
    sigma_days: float
    sigma_se: float
    p50_days: float
    p50_se: float
    tests: int
    seeds: int
    control_viability: float | None
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "method": self.method,
            "ki": self.ki,
            "ki_se": self.ki_se,
            "initial_viability_pct": float(100.0 * _ndtr(self.ki)),
            "sigma_days": self.sigma_days,
            "sigma_se": self.sigma_se,
            "p50_days": self.p50_days,
            "p50_se": self.p50_se,
            "tests": self.tests,
            "seeds": self.seeds,
            "control_viability_pct": self.control_viability,
            "warnings": list(self.warnings),
        }


def _ndtr(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def check_observations(observations: Sequence[Observation]) -> None:
    for number, o in enumerate(observations, start=1):
        if not (math.isfinite(o.period_days) and o.period_days >= 0):
            raise DataError(
                _("Test %(n)d: the period must be zero days or more, not %(value)s.")
                % {"n": number, "value": o.period_days}
            )
        if o.tested <= 0:
            raise DataError(
                _("Test %(n)d: the seeds tested must be more than zero, not %(value)s.")
                % {"n": number, "value": o.tested}
            )
        if not 0 <= o.germinated <= o.tested:
            raise DataError(
                _("Test %(n)d: %(germinated)s seeds germinated out of %(tested)s tested.")
                % {"n": number, "germinated": o.germinated, "tested": o.tested}
            )


def fit_decline(
    observations: Sequence[Observation],
    method: str = "glm",
    control_viability: float | None = None,
) -> Fit:
    """Ki (NED), sigma and p50 (days), with standard errors, from at least three tests at
    different periods."""
    if method not in METHODS:
        raise DataError(_("Unknown method %(method)s.") % {"method": method})
    check_observations(observations)
    periods = {o.period_days for o in observations}
    if len(periods) < MIN_TESTS:
        raise FitError(
            _(
                "A decline needs tests at %(min)d different storage periods at least; there are "
                "%(count)d."
            )
            % {"min": MIN_TESTS, "count": len(periods)}
        )
    notes: list[str] = []
    p = np.array([o.period_days for o in observations], dtype=np.float64)
    n = np.array([o.tested for o in observations], dtype=np.float64)
    k = np.array([o.germinated for o in observations], dtype=np.float64)
    y = k / n
    if control_viability is not None:
        if not (math.isfinite(control_viability) and 0 < control_viability <= 100):
            raise DataError(
                _(
                    "The control viability must be a percentage above 0 and at most 100, not %(value)s."
                )
                % {"value": f"{control_viability:g}"}
            )
        y = y / (control_viability / 100.0)
        if np.any(y > 1.0):
            notes.append(
                _(
                    "Some tests germinated more than the control viability (%(cv)g %%); they "
                    "count as 100 %% of it."
                )
                % {"cv": control_viability}
            )
            y = np.minimum(y, 1.0)
    # statsmodels takes seconds to import: only a fit loads it.
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    exog = sm.add_constant(p, has_constant="add")
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        try:
            if method == "glm":
                family = sm.families.Binomial(link=sm.families.links.Probit())
                result = sm.GLM(y, exog, family=family, var_weights=n).fit()
            else:
                probits = ned(percent_adjust(100.0 * y, n))
                result = sm.OLS(probits, exog).fit()
        except (PerfectSeparationWarning, np.linalg.LinAlgError, ValueError) as exc:
            raise FitError(
                _("The tests cannot be fitted (%(reason)s).") % {"reason": str(exc)}
            ) from exc
    params = np.asarray(result.params, dtype=np.float64)
    cov = np.asarray(result.cov_params(), dtype=np.float64)
    ki, slope = float(params[0]), float(params[1])
    if not (math.isfinite(ki) and math.isfinite(slope)) or slope >= 0:
        raise FitError(
            _("The tests show no decline of viability with time: there is no sigma to fit.")
        )
    sigma = -1.0 / slope
    p50 = ki * sigma
    # Delta method: sigma = -1/b, p50 = -Ki/b.
    g_sigma = np.array([0.0, 1.0 / slope**2])
    g_p50 = np.array([-1.0 / slope, ki / slope**2])
    return Fit(
        method=method,
        ki=ki,
        ki_se=_se(cov[0, 0]),
        sigma_days=sigma,
        sigma_se=_se(g_sigma @ cov @ g_sigma),
        p50_days=p50,
        p50_se=_se(g_p50 @ cov @ g_p50),
        tests=len(observations),
        seeds=int(n.sum()),
        control_viability=control_viability,
        warnings=notes,
    )


def _se(variance: float) -> float:
    v = float(variance)
    return math.sqrt(v) if math.isfinite(v) and v >= 0 else math.nan


def read_csv(path: Path | str) -> list[Observation]:
    """Tests from a CSV file with the columns period_days, tested, germinated. A bad value is a
    DataError naming the file, the row (line number), the field and the value."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(_rows(path, csv.DictReader(handle)))
    except OSError as exc:
        raise DataError(
            _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror or exc}
        ) from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataError(
            _("%(file)s is not a readable CSV file: %(error)s") % {"file": path, "error": exc}
        ) from exc


def _rows(path: Path, reader: csv.DictReader) -> Iterable[Observation]:
    fields = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in CSV_FIELDS if name not in fields]
    if missing:
        raise DataError(
            _("%(file)s: the columns %(missing)s are missing (expected %(expected)s).")
            % {"file": path, "missing": ", ".join(missing), "expected": ",".join(CSV_FIELDS)}
        )
    reader.fieldnames = fields
    count = 0
    for row in reader:
        line = reader.line_num
        if all(not (value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        period = _float(path, line, row, "period_days")
        tested = _int(path, line, row, "tested")
        germinated = _int(path, line, row, "germinated")
        if not (math.isfinite(period) and period >= 0):
            raise _bad(path, line, "period_days", row, _("a period of zero days or more"))
        if tested <= 0:
            raise _bad(path, line, "tested", row, _("a number of seeds above zero"))
        if not 0 <= germinated <= tested:
            raise _bad(path, line, "germinated", row, _("from 0 to the seeds tested (%(tested)d)")
                       % {"tested": tested})  # fmt: skip
        count += 1
        yield Observation(period_days=period, tested=tested, germinated=germinated)
    if not count:
        raise DataError(_("%(file)s has no test rows.") % {"file": path})


def _text(row: dict, name: str) -> str:
    return (row.get(name) or "").strip()


def _float(path: Path, line: int, row: dict, name: str) -> float:
    try:
        return float(_text(row, name))
    except ValueError:
        raise _bad(path, line, name, row, _("a number")) from None


def _int(path: Path, line: int, row: dict, name: str) -> int:
    try:
        value = float(_text(row, name))
    except ValueError:
        value = math.nan
    if not value.is_integer():
        raise _bad(path, line, name, row, _("a whole number"))
    return int(value)


def _bad(path: Path, line: int, name: str, row: dict, expected: str) -> DataError:
    return DataError(
        _("%(file)s, row %(row)d, field %(field)s: %(value)s is not %(expected)s.")
        % {
            "file": path,
            "row": line,
            "field": name,
            "value": repr(_text(row, name)),
            "expected": expected,
        }
    )
