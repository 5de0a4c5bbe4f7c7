"""The viability equation against the published worked examples, and its properties.

The worked examples are copied from ../shared/reference/viability_worked_examples.csv (published
figures: viabilitymetrics' examples and figures computed from the published equation), so the
tests run without that directory; test_reference_examples_when_present reads the file itself
when it is there.
"""

import csv
import io
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from genebank.viability import equation as eq
from genebank.viability.equation import Constants, EquationError

# id, quantity, KE, CW, CH, CQ, moisture (% fwb), temperature (°C), initial %, final %,
# period (days), expected (as printed), unit
WORKED_EXAMPLES = """\
1,sigma,8.242,4.345,0.0307,0.000501,10,5,,,,5382.388,days
2,sigma,8.242,4.345,0.0307,0.000501,10,5,,,,14.74627,years (days/365)
3,sigma,7.525,4.086,0.0329,0.000478,8,-18,,,,18719.85,days
4,sigma,7.525,4.086,0.0329,0.000478,8,-18,,,,51.28725,years (days/365)
5,sigma,7.292,3.996,0.0295,0.000491,8,-18,,,,11354.51,days
6,sigma,8.242,4.345,0.0307,0.000501,110,5,,,,0.1607399,days
7,final_viability,8.242,4.345,0.0307,0.000501,10,5,98,,365,97.64797,percent
8,final_viability,8.242,4.345,0.0307,0.000501,10,5,99.5,,365,99.39294,percent
9,storage_moisture_content,8.242,4.345,0.0307,0.000501,,5,98,95,3650,8.900918,percent moisture (fresh weight basis)
10,storage_temperature,8.242,4.345,0.0307,0.000501,8,,98,95,3650,10.252,degrees C
11,storage_temperature_F,8.242,4.345,0.0307,0.000501,8,,98,95,3650,50.4536,degrees F
12,p50,8.901,4.847,0.0329,0.000478,5,-20,98,50,,1960829,days
13,p50,8.901,4.847,0.0329,0.000478,5,-20,98,50,,5372.134,years (days/365)
14,p50,8.901,4.847,0.0329,0.000478,5,-20,99.5,50,,2459288,days
15,sigma,9.983,5.896,0.040,0.000428,12,20,,,,445.6022,days
16,final_viability,9.983,5.896,0.040,0.000428,12,20,95,,365,79.55235,percent
17,time_to_85pct_of_initial,8.242,4.345,0.0307,0.000501,6,5,95,80.75,,38445.4,days
18,time_to_85pct_of_initial,7.525,4.086,0.0329,0.000478,6,5,95,80.75,,11454.1,days
"""
FIELDS = "id,quantity,KE,CW,CH,CQ,moisture_percent_fwb,temperature_C,initial_viability_percent,final_viability_percent,period_days,expected,expected_unit"
REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"


def examples(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(FIELDS + "\n" + text)))


def computed(row: dict) -> float:
    """The example's quantity, computed by genebank.viability.equation."""
    c = Constants(*(float(row[k]) for k in ("KE", "CW", "CH", "CQ")))

    def num(key: str) -> float:
        return float(row[key])

    years = row["expected_unit"].startswith("years")
    quantity = row["quantity"]
    if quantity == "storage_moisture_content":
        return eq.moisture_for(
            c, num("temperature_C"), num("initial_viability_percent"),
            num("final_viability_percent"), num("period_days"),
        )  # fmt: skip
    if quantity.startswith("storage_temperature"):
        t = eq.temperature_for(
            c, num("moisture_percent_fwb"), num("initial_viability_percent"),
            num("final_viability_percent"), num("period_days"),
        )  # fmt: skip
        return t * 9 / 5 + 32 if quantity.endswith("_F") else t
    sigma = float(
        eq.sigma_days(c.ke, c.cw, c.ch, c.cq, num("moisture_percent_fwb"), num("temperature_C"))
    )
    if quantity == "sigma":
        value = sigma
    elif quantity == "final_viability":
        ki = eq.ned(num("initial_viability_percent"))
        value = float(eq.viability_after(ki, sigma, num("period_days")))
    elif quantity in ("p50", "time_to_85pct_of_initial"):
        ki = eq.ned(num("initial_viability_percent"))
        value = float(eq.days_to_viability(ki, sigma, num("final_viability_percent")))
    else:
        raise AssertionError(f"unknown quantity {quantity}")
    return value / eq.DAYS_PER_YEAR if years else value


def assert_to_printed_precision(value: float, printed: str) -> None:
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    assert abs(value - float(printed)) <= 0.5 * 10**-decimals + 1e-9 * abs(value), (value, printed)


@pytest.mark.parametrize("row", examples(WORKED_EXAMPLES), ids=lambda r: f"example-{r['id']}")
def test_worked_examples_to_their_printed_precision(row):
    assert_to_printed_precision(computed(row), row["expected"])


def test_reference_examples_when_present():
    path = REFERENCE / "viability_worked_examples.csv"
    if not path.exists():
        pytest.skip("../shared/reference is not here")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 18
    for row in rows:
        assert_to_printed_precision(computed(row), row["expected"])


def test_example_8_initial_is_100_percent_adjusted_for_50_seeds():
    assert float(eq.percent_adjust(100, 50)) == 99.5
    assert float(eq.percent_adjust(0, 50)) == 0.5
    assert float(eq.percent_adjust(73, 50)) == 73


def test_example_6_outside_the_fitted_moisture_range_warns():
    rice = Constants(8.242, 4.345, 0.0307, 0.000501)
    (warning,) = eq.warnings_for(rice, 110, 5)
    assert "110" in warning and "5-25" in warning
    assert eq.warnings_for(rice, 10, 5) == []
    (warning,) = eq.warnings_for(rice, 10, 95)
    assert "95" in warning
    assert len(eq.warnings_for(Constants(5.859, -3.06, -0.0007, -0.0007), 10, 5)) == 1


RICE = Constants(8.242, 4.345, 0.0307, 0.000501)


def test_100_percent_initial_is_an_infinite_ki():
    result = eq.predict(RICE, 10, 5, initial_pct=100, days=100_000, target_pct=85)
    assert result.ki == math.inf
    assert result.viability_pct == 100
    assert result.days_to_target == math.inf


def test_time_to_target_edges():
    ki = float(eq.ned(90))
    assert float(eq.days_to_viability(ki, 1000, 95)) == 0  # already below the target
    assert float(eq.days_to_viability(ki, 1000, 90)) == 0
    assert float(eq.days_to_viability(ki, 1000, 0)) == math.inf
    assert float(eq.days_to_viability(math.inf, 1000, 100)) == 0


@pytest.mark.parametrize(
    "call",
    [
        lambda: eq.predict(RICE, 10, 5, initial_pct=101),
        lambda: eq.predict(RICE, 10, 5, initial_pct=-1),
        lambda: eq.predict(RICE, 10, 5, initial_pct=90, target_pct=100.5),
        lambda: eq.predict(RICE, 10, 5, initial_pct=90, days=-1),
        lambda: eq.predict(RICE, 0, 5, initial_pct=90),
        lambda: eq.predict(RICE, -3, 5),
        lambda: eq.predict(RICE, 10, 5, days=10),
        lambda: eq.moisture_for(RICE, 5, 90, 95, 100),
        lambda: eq.moisture_for(RICE, 5, 100, 85, 100),
        lambda: eq.temperature_for(RICE, 8, 90, 90, 100),
    ],
)
def test_bad_input_is_refused(call):
    with pytest.raises(EquationError):
        call()


def test_projection_over_arrays_matches_one_lot_at_a_time():
    rng = np.random.default_rng(7)
    n = 500
    ke, cw = rng.uniform(6, 10, n), rng.uniform(3, 6, n)
    ch, cq = rng.uniform(0.025, 0.045, n), rng.uniform(0.0003, 0.0006, n)
    m, t = rng.uniform(5, 15, n), rng.uniform(-20, 20, n)
    initial = rng.uniform(80, 100, n)
    initial[:5] = 100
    target = 0.85 * initial
    days = eq.project(ke, cw, ch, cq, m, t, initial, target)
    assert days.shape == (n,)
    assert np.all(np.isinf(days[:5]))
    for i in range(5, n, 37):
        one = eq.predict(
            Constants(ke[i], cw[i], ch[i], cq[i]), m[i], t[i], initial[i], target_pct=target[i]
        )
        assert days[i] == pytest.approx(one.days_to_target, rel=1e-12)


# --- properties --------------------------------------------------------------------------------

constants = st.builds(
    Constants,
    ke=st.floats(4, 11),
    cw=st.floats(0.5, 7),
    ch=st.floats(0.01, 0.1),
    cq=st.floats(0.0001, 0.002),
)
moistures = st.floats(5, 25)
temperatures = st.floats(-20, 90)
initials = st.floats(50, 99.99)
periods = st.floats(0, 1e6)


@given(constants, moistures, temperatures, initials, periods, periods)
def test_viability_never_rises_with_time(c, m, t, initial, d1, d2):
    early, late = sorted((d1, d2))
    sigma = eq.sigma_days(c.ke, c.cw, c.ch, c.cq, m, t)
    ki = eq.ned(initial)
    assert eq.viability_after(ki, sigma, late) <= eq.viability_after(ki, sigma, early)
    assert eq.viability_after(ki, sigma, early) <= initial + 1e-9


@given(constants, moistures, moistures, temperatures, initials, periods)
def test_viability_falls_with_moisture(c, m1, m2, t, initial, days):
    dry, wet = sorted((m1, m2))
    ki = eq.ned(initial)
    at = lambda m: eq.viability_after(ki, eq.sigma_days(c.ke, c.cw, c.ch, c.cq, m, t), days)  # noqa: E731
    assert at(wet) <= at(dry)


@given(constants, moistures, temperatures, temperatures, initials, periods)
def test_viability_falls_with_temperature(c, m, t1, t2, initial, days):
    cold, warm = sorted((t1, t2))
    # Below -CH/(2·CQ) the quadratic turns: outside the range the constants describe.
    assume(cold >= -c.ch / (2 * c.cq))
    ki = eq.ned(initial)
    at = lambda t: eq.viability_after(ki, eq.sigma_days(c.ke, c.cw, c.ch, c.cq, m, t), days)  # noqa: E731
    assert at(warm) <= at(cold)


@given(constants, temperatures, initials, st.floats(0.05, 0.95), st.floats(1, 1e5))
def test_moisture_solve_and_predict_agree(c, t, initial, fraction, days):
    target = initial * fraction
    m = eq.moisture_for(c, t, initial, target, days)
    assume(1e-3 < m < 1e3)
    sigma = eq.sigma_days(c.ke, c.cw, c.ch, c.cq, m, t)
    assert float(eq.viability_after(eq.ned(initial), sigma, days)) == pytest.approx(
        target, rel=1e-7, abs=1e-9
    )


@given(constants, moistures, initials, st.floats(0.05, 0.95), st.floats(1, 1e5))
def test_temperature_solve_and_predict_agree(c, m, initial, fraction, days):
    target = initial * fraction
    try:
        t = eq.temperature_for(c, m, initial, target, days)
    except EquationError:
        assume(False)
    sigma = eq.sigma_days(c.ke, c.cw, c.ch, c.cq, m, t)
    assert float(eq.viability_after(eq.ned(initial), sigma, days)) == pytest.approx(
        target, rel=1e-6, abs=1e-9
    )
    # The upper root: a warmer store would lose more.
    warmer = eq.sigma_days(c.ke, c.cw, c.ch, c.cq, m, t + 1)
    assert float(eq.viability_after(eq.ned(initial), warmer, days)) < target + 1e-9


@given(constants, moistures, temperatures, initials, st.floats(0.01, 0.99))
def test_time_to_target_and_viability_after_agree(c, m, t, initial, fraction):
    target = initial * fraction
    sigma = eq.sigma_days(c.ke, c.cw, c.ch, c.cq, m, t)
    assume(1e-6 < float(sigma) < 1e12)
    days = eq.days_to_viability(eq.ned(initial), sigma, target)
    assert float(eq.viability_after(eq.ned(initial), sigma, days)) == pytest.approx(
        target, rel=1e-7
    )


def test_project_takes_plain_numbers_as_well_as_arrays():
    import numpy as np

    from genebank.viability.equation import project

    one = project(8.242, 4.345, 0.0307, 0.000501, 10, 5, 95, 80.75)
    many = project(np.array([8.242, 8.242]), 4.345, 0.0307, 0.000501, 10, 5, 95, 80.75)
    assert float(one) > 0 and np.allclose(many, [float(one), float(one)])
    assert float(project(8.242, 4.345, 0.0307, 0.000501, 10, 5, 100, 85)) == float("inf")
