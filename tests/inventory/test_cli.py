"""`genebank inventory receive | withdraw | show`: the command-line contract scripts rely on."""

import json

import pytest
from django.contrib.auth import get_user_model

from genebank.cli import main
from genebank.inventory.models import LotTransaction, SeedLot

# The command closes its database connections when it ends, as a command must; tests that call
# it therefore commit for real instead of running inside one transaction. serialized_rollback
# puts back the data migrations' rows (countries) that the flush after each test removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run(capsys, *args):
    code = main(["genebank", "inventory", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def received(capsys, accession, storage):
    code, out, _ = run(
        capsys,
        "receive", "--institute", "JOR015", "--accession", accession.number,
        "--quantity", "500", "--unit", "seeds", "--collection", "base",
        "--location", "HQ/Cold room 1/Shelf A/Box 1", "--json",
    )  # fmt: skip
    assert code == 0
    return json.loads(out)


def test_receive_prints_the_new_lot(received, accession):
    assert received["lot"] == "JOR015-L000001"
    assert received["quantity"] == 500
    lot = SeedLot.objects.get(number=received["lot"])
    assert lot.accession == accession and lot.collection == "base"
    assert lot.location.code == "CR1-A-1"
    assert lot.transactions.get().user.username == "genebank-cli"


def test_the_command_line_user_cannot_sign_in(received):
    user = get_user_model().objects.get(username="genebank-cli")
    assert not user.has_usable_password()


def test_withdraw_then_show(capsys, received, technician):
    code, out, _ = run(
        capsys, "withdraw", received["lot"], "120", "--unit", "seeds", "--reason", "distribution",
        "--user", technician.username, "--json",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["quantity"] == 380
    code, out, _ = run(capsys, "show", received["lot"], "--json")
    assert code == 0
    shown = json.loads(out)
    assert (shown["lot"], shown["quantity"], shown["unit"]) == (received["lot"], 380, "seeds")
    assert [(t["kind"], t["quantity"], t["balance_after"]) for t in shown["transactions"]] == [
        ("receipt", 500, 500),
        ("withdrawal", -120, 380),
    ]
    assert shown["transactions"][1]["user"] == "tariq"
    assert shown["transactions"][1]["reason"] == "distribution"


def test_withdrawing_more_than_there_is_exits_1_and_writes_nothing(capsys, received):
    code, out, err = run(
        capsys, "withdraw", received["lot"], "501", "--unit", "seeds", "--reason", "research"
    )
    assert code == 1
    assert "holds 500 seeds" in err and out == ""
    assert LotTransaction.objects.count() == 1
    assert SeedLot.objects.get(number=received["lot"]).quantity == 500


def test_refusals_by_the_rules_exit_1(capsys, received, viewer):
    # Grams from a lot counted in seeds with no thousand-seed weight.
    code, _, err = run(capsys, "withdraw", received["lot"], "3", "--unit", "g", "--reason", "loss")
    assert code == 1 and "thousand-seed weight" in err
    code, _, _ = run(capsys, "withdraw", received["lot"], "10", "--unit", "seeds", "--reason",
                     "loss", "--user", "vera")  # fmt: skip
    assert code == 1  # a viewer may not withdraw
    assert LotTransaction.objects.count() == 1


WRONG_CALLS = [
    ["withdraw", "JOR015-L999999", "5", "--unit", "seeds", "--reason", "loss"],
    ["withdraw", "JOR015-L000001", "5", "--unit", "kg", "--reason", "loss"],
    ["withdraw", "JOR015-L000001", "5", "--unit", "seeds", "--reason", "gift"],
    ["withdraw", "JOR015-L000001", "0", "--unit", "seeds", "--reason", "loss"],
    ["withdraw", "JOR015-L000001", "ten", "--unit", "seeds", "--reason", "loss"],
    ["withdraw", "JOR015-L000001", "5", "--unit", "seeds", "--reason", "loss", "--user", "nobody"],
    ["withdraw", "JOR015-L000001", "5"],
    ["show"],
    ["frobnicate"],
    ["receive", "--institute", "XXX999", "--accession", "A", "--quantity", "1", "--unit",
     "seeds", "--collection", "base"],
    ["receive", "--institute", "JOR015", "--accession", "nope", "--quantity", "1", "--unit",
     "seeds", "--collection", "base"],
]  # fmt: skip


def test_wrong_calls_exit_2(capsys, received):
    # One test for all of them: each test that commits pays for a flush of the whole database.
    for args in WRONG_CALLS:
        code, _, err = run(capsys, *args)
        assert code == 2, (args, err)
        assert err.strip(), args
    assert LotTransaction.objects.count() == 1


def test_receive_into_a_wrong_kind_of_storage_exits_1(capsys, accession, storage):
    code, _, err = run(
        capsys, "receive", "--institute", "JOR015", "--accession", accession.number,
        "--quantity", "5", "--unit", "g", "--collection", "active", "--location", "CR1",
    )  # fmt: skip
    assert code == 1 and "not a storage unit for the active collection" in err
    assert not SeedLot.objects.exists()


def test_text_output_for_people(capsys, received):
    code, out, _ = run(
        capsys, "withdraw", received["lot"], "20", "--unit", "seeds", "--reason", "viability_test"
    )
    assert code == 0 and "480" in out
    code, out, _ = run(capsys, "show", received["lot"])
    assert code == 0 and "withdrawal" in out and "HQ/Cold room 1/Shelf A/Box 1" in out


def test_readings_and_alerts(capsys, tmp_path, received, storage):
    logger = tmp_path / "logger.csv"
    logger.write_text(
        "Time,Celsius(°C),Humidity(%rh)\n"
        "2025-03-01 00:00,-18,15\n2025-03-01 01:00,-5,15\n2025-03-01 03:00,-18,15\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "readings", "CR1", logger, "--institute", "JOR015", "--json")
    assert code == 0, err
    assert json.loads(out) == {"location": "HQ/Cold room 1", "added": 3, "skipped": 0}
    broken = tmp_path / "broken.csv"
    broken.write_text("Time,Celsius\nsoon,-18\n", encoding="utf-8")
    code, _, err = run(capsys, "readings", "CR1", broken, "--institute", "JOR015")
    assert code == 1 and "row 2" in err
    code, out, _ = run(capsys, "alerts", "--json")
    assert code == 0
    alerts = json.loads(out)
    # 500 seeds in a base lot is under the 1,500-seed FAO sample size; never measured for moisture.
    assert alerts["below_reserve"] == [{"lot": received["lot"], "seeds": 500, "level": 1500}]
    assert alerts["stale_moisture"] == [received["lot"]]
    assert alerts["storage_out_of_range"] == []  # March 2025 is outside the last 7 days
    code, out, _ = run(capsys, "alerts")
    assert code == 0 and "under 1500" in out


def test_building_and_rearranging_the_storage_tree(capsys, genebank):
    def location(*args):
        return run(capsys, "location", *args, "--institute", "JOR015", "--json")

    assert location("add", "--code", "HQ", "--name", "HQ", "--kind", "site")[0] == 0
    code, out, err = location(
        "add", "--code", "CR1", "--name", "Cold room 1", "--kind", "room", "--parent", "HQ",
        "--storage-kind", "base", "--temperature=-21:-15", "--humidity", "12:18",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out) == {"code": "CR1", "path": "HQ/Cold room 1", "kind": "room"}
    assert (
        location("add", "--code", "B1", "--name", "B1", "--kind", "building", "--parent", "HQ")[0]
        == 0
    )
    code, out, _ = location("move", "--code", "CR1", "--parent", "B1", "--reason", "new building")
    assert code == 0 and json.loads(out)["path"] == "HQ/B1/Cold room 1"
    # A room cannot go into a room (refused: 1); a missing name is a wrong call (2).
    assert (
        location("add", "--code", "X", "--name", "X", "--kind", "room", "--parent", "CR1")[0] == 1
    )
    assert location("add", "--code", "Y", "--kind", "room")[0] == 2
    assert (
        location("add", "--code", "Z", "--name", "Z", "--kind", "room", "--temperature", "cold")[0]
        == 2
    )


def test_an_overflowing_adjustment_is_refused_and_show_still_works(capsys, received):
    # The review's case: +99999999999 overflowed the column, and `show` crashed reading it back.
    code, out, err = run(
        capsys, "adjust", received["lot"], "+99999999999", "--unit", "seeds", "--reason", "recount",
        "--yes",
    )  # fmt: skip
    assert code == 2 and out == ""
    assert "at most 1,000,000,000 seeds" in err
    code, out, err = run(capsys, "show", received["lot"], "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["quantity"] == 500 and len(shown["transactions"]) == 1


def test_an_implausible_adjustment_needs_yes(capsys, received):
    args = ["adjust", received["lot"], "+6000", "--unit", "seeds", "--reason", "second bag"]
    code, out, err = run(capsys, *args)
    assert code == 1 and out == ""
    assert "more than ten times" in err and "--yes" in err
    assert SeedLot.objects.get(number=received["lot"]).quantity == 500
    code, out, err = run(capsys, *args, "--yes", "--json")
    assert code == 0, err
    assert json.loads(out)["quantity"] == 6500
