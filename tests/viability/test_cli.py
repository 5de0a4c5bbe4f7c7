"""`genebank viability predict | fit`: the command-line contract scripts rely on."""

import datetime
import json
import math

import pytest

from genebank.cli import main
from genebank.viability.services import record_germination_test
from tests.viability.conftest import RECEIVED

# The command closes its database connections when it ends; tests that call it commit for real.
# serialized_rollback puts back the data migrations' rows (countries, viability constants).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RICE = ["--ke", "8.242", "--cw", "4.345", "--ch", "0.0307", "--cq", "0.000501"]


def run(capsys, *args):
    code = main(["genebank", "viability", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_predict(capsys):
    # Worked example 7 of the reference, by the species' preferred constants (Ellis et al. 2007).
    code, out, err = run(
        capsys, "predict", "--species", "Oryza sativa", "--moisture", 10, "--temperature", 5,
        "--initial", 98, "--days", 365, "--target", 85, "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert round(data["sigma_days"], 3) == 5382.388
    assert round(data["viability_pct"], 5) == 97.64797
    assert data["days_to_target"] == pytest.approx(5382.388 * (2.053749 - 1.036433), rel=1e-5)
    assert data["constants"]["source"].startswith("Ellis et al., 2007")
    assert data["warnings"] == [] and err == ""

    # Constants given directly; 100 % initial is an infinite Ki: viability stays 100.
    code, out, err = run(
        capsys, "predict", *RICE, "--moisture", 10, "--temperature", 5, "--initial", 100,
        "--days", 100000, "--target", 85, "--json",
    )  # fmt: skip
    assert code == 0, err
    assert '"days_to_target": Infinity' in out
    data = json.loads(out)
    assert data["viability_pct"] == 100 and data["days_to_target"] == math.inf

    # Sigma alone; the plain text output.
    code, out, _ = run(capsys, "predict", *RICE, "--moisture", 10, "--temperature", 5)
    assert code == 0 and "5382.39 days" in out

    # Outside the fitted range: a warning on stderr and in the JSON.
    code, out, err = run(capsys, "predict", *RICE, "--moisture", 110, "--temperature", 5, "--json")
    assert code == 0
    data = json.loads(out)
    assert round(data["sigma_days"], 7) == 0.1607399
    assert len(data["warnings"]) == 1 and "110" in data["warnings"][0]
    assert "110" in err

    # A set the reference marks suspect is used, with a warning saying so.
    code, out, err = run(
        capsys, "predict", "--species", "Saccharum sp.", "--moisture", 10, "--temperature", 5,
        "--json",
    )  # fmt: skip
    assert code == 0 and "suspect" in err


WRONG_CALLS = [
    (["predict", "--species", "Nonexistent plant", "--moisture", 10, "--temperature", 5],
     "No viability constants"),
    (["predict", "--species", "Brachiaria brizantha", "--moisture", 10, "--temperature", 5],
     "ambiguous"),
    (["predict", *RICE, "--moisture", 10, "--temperature", 5, "--initial", 101], "101"),
    (["predict", *RICE, "--moisture", 10, "--temperature", 5, "--initial", -1], "-1"),
    (["predict", *RICE, "--moisture", 10, "--temperature", 5, "--initial", 90, "--target", 120],
     "120"),
    (["predict", *RICE, "--moisture", 10, "--temperature", 5, "--initial", 90, "--days", -5],
     "-5"),
    (["predict", *RICE, "--moisture", 0, "--temperature", 5], "moisture"),
    (["predict", *RICE, "--moisture", 10, "--temperature", 5, "--days", 5], "--initial"),
    (["predict", "--ke", 8, "--moisture", 10, "--temperature", 5], "--cw"),
    (["predict", "--species", "Zea mays", "--cw", 5, "--moisture", 10, "--temperature", 5],
     "--cw go with --ke"),
    (["predict", "--moisture", 10, "--temperature", 5], ""),
    (["predict", *RICE, "--moisture", "ten", "--temperature", 5], ""),
    (["fit"], "--data"),
    (["fit", "--data", "/nonexistent/tests.csv"], "/nonexistent/tests.csv"),
    (["fit", "JOR015-L999999"], "No lot JOR015-L999999"),
]  # fmt: skip


def test_wrong_calls_exit_2(capsys, tmp_path):
    for args, message in WRONG_CALLS:
        code, out, err = run(capsys, *args)
        assert code == 2, (args, err)
        assert err.strip() and message in err, (args, err)
        assert out == "", args

    bad = tmp_path / "bad.csv"
    bad.write_text("period_days,tested,germinated\n0,50,48\n30,50,sixty\n", encoding="utf-8")
    code, _, err = run(capsys, "fit", "--data", bad, "--json")
    assert code == 2
    assert str(bad) in err and "row 3" in err and "germinated" in err and "'sixty'" in err


def test_fit(capsys, tmp_path):
    data = tmp_path / "tests.csv"
    data.write_text(
        "period_days,tested,germinated\n"
        "0,50,49\n0,50,48\n365,50,46\n365,50,47\n730,50,40\n730,50,41\n1095,50,30\n1095,50,28\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "fit", "--data", data, "--json")
    assert code == 0, err
    glm = json.loads(out)
    for key in ("ki", "ki_se", "sigma_days", "sigma_se", "p50_days", "p50_se"):
        assert isinstance(glm[key], float) and glm[key] > 0, key
    assert glm["method"] == "glm" and glm["tests"] == 8 and glm["seeds"] == 400
    assert glm["p50_days"] == pytest.approx(glm["ki"] * glm["sigma_days"])

    code, out, _ = run(capsys, "fit", "--data", data, "--method", "ols", "--json")
    assert code == 0 and json.loads(out)["method"] == "ols"
    code, out, _ = run(capsys, "fit", "--data", data, "--control-viability", 98, "--json")
    assert code == 0 and json.loads(out)["ki"] > glm["ki"]
    code, out, _ = run(capsys, "fit", "--data", data)
    assert code == 0 and "sigma" in out

    # Two storage periods cannot give a decline with its errors: refused, status 1.
    two = tmp_path / "two.csv"
    two.write_text("period_days,tested,germinated\n0,50,49\n365,50,46\n", encoding="utf-8")
    code, out, err = run(capsys, "fit", "--data", two)
    assert code == 1 and "3 different storage periods" in err and out == ""


def test_fit_a_lot_from_its_germination_tests(capsys, lot, technician):
    code, _, err = run(capsys, "fit", lot.number)
    assert code == 1 and "no germination tests" in err
    for days, normal in ((30, 97), (365, 94), (730, 88), (1095, 75)):
        record_germination_test(
            lot, technician, tested_on=RECEIVED + datetime.timedelta(days=days),
            seeds_per_replicate=100,
            replicates=[{"normal": normal, "abnormal": 0, "dead": 100 - normal,
                         "fresh_ungerminated": 0, "hard": 0}],
            substrate="TP", temperature_regime="20/30", light="alternating", duration_days=7,
        )  # fmt: skip
    code, out, err = run(capsys, "fit", lot.number, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["lot"] == lot.number and data["tests"] == 4 and data["seeds"] == 400
    assert data["sigma_days"] > 0 and data["sigma_se"] > 0 and data["ki_se"] > 0
