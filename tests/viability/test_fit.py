"""The fitted decline: Ki and sigma of a lot from its germination tests (probit regression)."""

import math

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from genebank.viability.equation import ned, percent_adjust
from genebank.viability.equation import percent as ndtr_percent
from genebank.viability.fit import DataError, FitError, Observation, fit_decline, read_csv

# viabilitymetrics' FitSigma example: two replicates, 15 periods, viability percentages.
PERIODS = list(range(1, 16)) * 2
SEEDS = [97, 100, 100, 100, 98, 100, 100, 100, 99, 98, 101, 100, 100, 101, 100,
         100, 99, 97, 100, 97, 99, 98, 100, 98, 99, 99, 101, 98, 97, 97]  # fmt: skip
PERCENT = [98, 96, 90, 82, 70, 54, 38, 24, 12, 6, 2, 0, 0, 0, 0,
           98, 94, 85, 72, 54, 35, 18, 8, 2, 0, 0, 0, 0, 0, 0]  # fmt: skip
EXAMPLE = [
    Observation(p, n, round(v * n / 100)) for p, n, v in zip(PERIODS, SEEDS, PERCENT, strict=True)
]


def test_glm_is_the_standard_probit_regression():
    """The same maximum-likelihood line as a probit model on one row per seed."""
    fit = fit_decline(EXAMPLE)
    probit = _expanded_probit()
    ki, slope = probit.params
    assert fit.ki == pytest.approx(ki, rel=1e-5)
    assert fit.sigma_days == pytest.approx(-1 / slope, rel=1e-5)
    assert fit.p50_days == pytest.approx(-ki / slope, rel=1e-5)
    # Expected (GLM) against observed (Probit) information: close, not identical.
    assert fit.ki_se == pytest.approx(probit.bse[0], rel=0.01)
    assert fit.sigma_se == pytest.approx(probit.bse[1] / slope**2, rel=0.01)
    assert (fit.tests, fit.seeds) == (30, sum(SEEDS))
    assert fit.as_dict()["ki"] == fit.ki


def test_ols_regresses_probits_on_the_period():
    fit = fit_decline(EXAMPLE, method="ols")
    # 0 % and 100 % moved a quarter seed in before the probit transformation.
    ned = [float(np.asarray(x)) for x in _ned_adjusted(EXAMPLE)]
    slope, intercept = np.polyfit([o.period_days for o in EXAMPLE], ned, 1)
    assert fit.ki == pytest.approx(intercept, rel=1e-9)
    assert fit.sigma_days == pytest.approx(-1 / slope, rel=1e-9)
    assert fit.ki_se > 0 and fit.sigma_se > 0 and fit.p50_se > 0


def _ned_adjusted(observations):
    return [ned(percent_adjust(100 * o.germinated / o.tested, o.tested)) for o in observations]


def test_control_viability_divides_each_proportion():
    plain = fit_decline(EXAMPLE)
    corrected = fit_decline(EXAMPLE, control_viability=98)
    assert corrected.ki > plain.ki
    assert corrected.control_viability == 98
    # The same as dividing each proportion by 0.98 by hand (capped at 1), on many seeds.
    scaled = [
        Observation(o.period_days, 10**7, round(min(1.0, o.germinated / o.tested / 0.98) * 10**7))
        for o in EXAMPLE
    ]
    assert fit_decline(scaled).ki == pytest.approx(corrected.ki, rel=0.01)
    assert fit_decline(scaled).sigma_days == pytest.approx(corrected.sigma_days, rel=0.01)
    assert not corrected.warnings
    # Above the control viability counts as 100 % of it, with a warning.
    assert fit_decline(EXAMPLE, control_viability=90).warnings


def _expanded_probit():
    x, y = [], []
    for o in EXAMPLE:
        x += [o.period_days] * o.tested
        y += [1] * o.germinated + [0] * (o.tested - o.germinated)
    return sm.Probit(np.array(y), sm.add_constant(np.array(x, dtype=float))).fit(disp=0)


def test_p50_standard_error_by_the_delta_method():
    """Against the spread of -Ki/slope over draws from the fit's asymptotic distribution."""
    fit = fit_decline(EXAMPLE)
    probit = _expanded_probit()
    rng = np.random.default_rng(3)
    draws = rng.multivariate_normal(probit.params, probit.cov_params(), 200_000)
    p50 = -draws[:, 0] / draws[:, 1]
    sigma = -1 / draws[:, 1]
    assert fit.p50_se == pytest.approx(np.std(p50), rel=0.03)
    assert fit.sigma_se == pytest.approx(np.std(sigma), rel=0.03)


@pytest.mark.parametrize(
    "observations, message",
    [
        ([Observation(0, 50, 48), Observation(100, 50, 40)], "3 different storage periods"),
        ([Observation(0, 50, 48), Observation(0, 50, 47), Observation(100, 50, 40)],
         "3 different storage periods"),
        ([Observation(0, 50, 30), Observation(100, 50, 40), Observation(200, 50, 49)],
         "no decline"),
    ],
)  # fmt: skip
def test_unfittable_tests_are_refused(observations, message):
    with pytest.raises(FitError, match=message):
        fit_decline(observations)


@pytest.mark.parametrize(
    "observations",
    [
        [Observation(0, 50, 51), Observation(1, 50, 40), Observation(2, 50, 30)],
        [Observation(-1, 50, 50), Observation(1, 50, 40), Observation(2, 50, 30)],
        [Observation(0, 0, 0), Observation(1, 50, 40), Observation(2, 50, 30)],
    ],
)
def test_impossible_counts_are_bad_data(observations):
    with pytest.raises(DataError):
        fit_decline(observations)


@pytest.mark.parametrize("cv", [0, -5, 101, math.nan])
def test_control_viability_must_be_a_percentage(cv):
    with pytest.raises(DataError):
        fit_decline(EXAMPLE, control_viability=cv)


@settings(max_examples=60, deadline=None)
@given(
    ki=st.floats(0.5, 3.0),
    sigma=st.floats(20, 20000),
    tests=st.integers(3, 8),
    method=st.sampled_from(["glm", "ols"]),
)
def test_the_fit_recovers_ki_and_sigma_from_simulated_tests(ki, sigma, tests, method):
    """Germination counts as the equation expects them from known Ki and sigma, on many seeds:
    the fit gives back the Ki and sigma they came from."""
    seeds = 1_000_000
    # Tests spread from the start to where viability is about 10 %.
    periods = np.linspace(0, (ki + 1.28) * sigma, tests)
    observations = [
        Observation(float(p), seeds, round(seeds * ndtr_percent(ki - p / sigma) / 100))
        for p in periods
    ]
    fit = fit_decline(observations, method=method)
    assert fit.ki == pytest.approx(ki, rel=0.01, abs=0.01)
    assert fit.sigma_days == pytest.approx(sigma, rel=0.01)
    assert fit.p50_days == pytest.approx(ki * sigma, rel=0.02, abs=0.01 * sigma)


def test_fit_of_sampled_tests_lies_within_its_standard_errors():
    rng = np.random.default_rng(20261206)
    ki, sigma, misses = 2.0, 400.0, 0
    for _ in range(40):
        periods = np.repeat(np.linspace(0, 1200, 6), 2)
        germinated = rng.binomial(100, [ndtr_percent(ki - p / sigma) / 100 for p in periods])
        fit = fit_decline(
            [Observation(float(p), 100, int(g)) for p, g in zip(periods, germinated, strict=True)]
        )
        misses += abs(fit.ki - ki) > 2 * fit.ki_se or abs(fit.sigma_days - sigma) > 2 * fit.sigma_se
    assert misses <= 8  # about 5-10 % expected outside two standard errors


# --- CSV files ---------------------------------------------------------------------------------


def write(tmp_path, text, name="tests.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_csv(tmp_path):
    path = write(tmp_path, "\ufeffperiod_days, tested ,germinated\n0,50,49\n\n365.5,50,45\n")
    assert read_csv(path) == [Observation(0, 50, 49), Observation(365.5, 50, 45)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("period_days,tested\n0,50\n", "germinated are missing"),
        ("period_days,tested,germinated\n0,50,49\n10,fifty,40\n", "row 3, field tested: 'fifty'"),
        ("period_days,tested,germinated\n0,50,49\n-10,50,40\n", "row 3, field period_days: '-10'"),
        ("period_days,tested,germinated\n0,50,51\n", "row 2, field germinated: '51'"),
        ("period_days,tested,germinated\n0,50,4.5\n", "row 2, field germinated: '4.5'"),
        ("period_days,tested,germinated\n0,0,0\n", "row 2, field tested: '0'"),
        ("period_days,tested,germinated\nnan,10,5\n", "row 2, field period_days: 'nan'"),
        ("period_days,tested,germinated\n", "has no test rows"),
    ],
)
def test_bad_csv_names_file_row_field_and_value(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(DataError) as error:
        read_csv(path)
    assert str(path) in str(error.value)
    assert expected in str(error.value)


observations = st.builds(
    lambda period, tested, fraction: Observation(period, tested, round(tested * fraction)),
    st.floats(0, 1e6, allow_subnormal=False),
    st.integers(1, 100_000),
    st.floats(0, 1),
)


@settings(max_examples=50, deadline=None)
@given(st.lists(observations, min_size=1, max_size=20))
def test_csv_round_trip(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("csv") / "tests.csv"
    lines = ["period_days,tested,germinated"]
    lines += [f"{o.period_days!r},{o.tested},{o.germinated}" for o in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert read_csv(path) == rows


def test_missing_or_binary_file(tmp_path):
    with pytest.raises(DataError, match="Cannot read"):
        read_csv(tmp_path / "absent.csv")
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(DataError):
        read_csv(path)
