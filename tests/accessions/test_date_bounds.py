"""Dates of events are bounded: 0001-01-01 or 2999-12-31 are typing slips, not history or plans.

One rule (checks.check_event_date): not before 1700 (the oldest genebank records); not after
today for what has happened (a deaccession); up to a year ahead for what may be planned (a
collecting mission's start and end). The forms and the services both apply it.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from genebank.accessions import checks, services
from genebank.accessions.forms import CollectingMissionForm, DeaccessionForm
from genebank.accessions.models import CollectingMission
from genebank.core import mcpd_values
from tests.factories import AccessionFactory

TODAY = datetime.date(2026, 6, 15)
EARLIEST = datetime.date(mcpd_values.EARLIEST_YEAR, 1, 1)
A_YEAR_AHEAD = TODAY + datetime.timedelta(days=checks.PLANNING_DAYS)
ONE_DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("value", "planned", "ok"),
    [
        (datetime.date(1, 1, 1), False, False),
        (EARLIEST - ONE_DAY, False, False),
        (EARLIEST, False, True),
        (TODAY, False, True),
        (TODAY + ONE_DAY, False, False),
        (TODAY + ONE_DAY, True, True),
        (A_YEAR_AHEAD, True, True),
        (A_YEAR_AHEAD + ONE_DAY, True, False),
        (datetime.date(2999, 12, 31), True, False),
        (datetime.date(1, 1, 1), True, False),
        (None, False, True),
    ],
)
def test_check_event_date(value, planned, ok):
    problems = checks.check_event_date(value, "date", planned=planned, today=TODAY)
    assert (problems == []) == ok
    assert all(p.is_error and p.field == "date" for p in problems)


@given(st.dates(), st.booleans())
def test_the_rule_is_the_bounds(value, planned):
    latest = A_YEAR_AHEAD if planned else TODAY
    problems = checks.check_event_date(value, "date", planned=planned, today=TODAY)
    assert (problems == []) == (EARLIEST <= value <= latest)


def test_mission_dates_in_order_and_in_bounds():
    check = checks.check_mission_dates
    assert check(TODAY, TODAY + ONE_DAY, today=TODAY) == []
    assert check(None, None, today=TODAY) == []
    assert [p.field for p in check(TODAY, TODAY - ONE_DAY, today=TODAY)] == ["end_date"]
    far = datetime.date(2999, 12, 31)
    assert [p.field for p in check(datetime.date(1, 1, 1), far, today=TODAY)] == [
        "start_date",
        "end_date",
    ]


@pytest.mark.parametrize("date", [datetime.date(1, 1, 1), datetime.date(2999, 12, 31)])
def test_deaccession_service_refuses_dates_out_of_bounds(genebank, curator, date):
    accession = AccessionFactory(institute=genebank)
    with pytest.raises(ValidationError) as refused:
        services.deaccession(accession, date=date, reason="lost", user=curator)
    assert "date" in refused.value.message_dict
    accession.refresh_from_db()
    assert accession.status == "active"


def test_deaccession_service_takes_today(genebank, curator):
    accession = AccessionFactory(institute=genebank)
    services.deaccession(accession, date=datetime.date.today(), reason="lost", user=curator)
    accession.refresh_from_db()
    assert accession.status == "deaccessioned"


@pytest.mark.parametrize("date", ["0001-01-01", "2999-12-31"])
def test_deaccession_form_refuses_dates_out_of_bounds(date):
    form = DeaccessionForm({"date": date, "reason": "lost"})
    assert not form.is_valid() and "date" in form.errors


def test_deaccession_page_refuses_year_one(client_for, curator, genebank):
    accession = AccessionFactory(institute=genebank)
    response = client_for(curator).post(
        reverse("accessions:deaccession", args=[accession.pk]),
        {"date": "0001-01-01", "reason": "lost"},
    )
    assert response.status_code == 200 and "date" in response.context["form"].errors
    accession.refresh_from_db()
    assert accession.status == "active"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.date(1, 1, 1), None),
        (None, datetime.date(2999, 12, 31)),
        (datetime.date(1699, 12, 31), datetime.date(1700, 1, 5)),
    ],
)
def test_mission_service_refuses_dates_out_of_bounds(genebank, curator, start, end):
    mission = CollectingMission(code="JOR-M001", institute=genebank)
    data = {"code": "JOR-M001", "institute": genebank, "start_date": start, "end_date": end}
    with pytest.raises(ValidationError):
        services.save_mission(mission, data=data, user=curator)
    assert not CollectingMission.objects.exists()


def test_a_mission_may_be_planned_for_next_season(genebank, curator):
    start = datetime.date.today() + datetime.timedelta(days=120)
    data = {
        "code": "JOR-M002",
        "institute": genebank,
        "start_date": start,
        "end_date": start + datetime.timedelta(days=14),
    }
    mission = services.save_mission(CollectingMission(), data=data, user=curator)
    assert mission.pk and mission.end_date > datetime.date.today()


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("0001-01-01", "", "start_date"),
        ("2025-04-01", "2999-12-31", "end_date"),
        ("2025-04-01", "2025-03-01", "end_date"),
    ],
)
def test_mission_form_refuses_dates_out_of_bounds(genebank, start, end, field):
    form = CollectingMissionForm(
        {"code": "JOR-M003", "institute": genebank.pk, "start_date": start, "end_date": end}
    )
    assert not form.is_valid() and field in form.errors
