"""PostgreSQL's write path of the MCPD import (COPY into staging tables): the same database as
the generic writer's, row for row and history row for history row; atomic; idempotent."""

import pytest
from django.db import connection, transaction

from genebank.accessions.models import (
    Accession,
    AccessionIdentifier,
    AccessionName,
    Acquisition,
    CollectingEvent,
)
from genebank.core.models import Institute, Taxon
from genebank.exchange import mcpd_import
from genebank.exchange.mcpd_import import ImportInterrupted, import_mcpd
from genebank.exchange.mcpd_writer import _Writer
from genebank.exchange.mcpd_writer_pg import PgWriter
from tests.exchange.conftest import fork_always, mcpd_row

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's own write path of the import"
    ),
]

BREEDING = Accession.breeding_institutes.through
COLLECTING = CollectingEvent.collecting_institutes.through
RECORDS = (Accession, AccessionName, AccessionIdentifier, CollectingEvent, Acquisition)


def varied_rows(start: int = 0, count: int = 12) -> list[dict[str, str]]:
    """Rows of two holding institutes, with and without each kind of record, new institutes
    (as donor, collector and breeder) and a new taxon."""
    rows = []
    for i in range(start, start + count):
        row = mcpd_row(ACCENUMB=f"A{i}", PUID=f"10.18730/X{i}")
        if i % 3 == 0:
            row.update(INSTCODE="SYR002", ACCENUMB=f"IG {i}")
        if i % 4 == 1:
            row.update(ACCENAME="", OTHERNUMB="")
        if i % 5 == 2:
            # No collecting event, no donor.
            for name in ("COLLSITE", "DECLATITUDE", "LATITUDE", "DECLONGITUDE", "LONGITUDE"):
                row[name] = ""
            row.update(COLLDATE="", COLLNUMB="", COLLCODE="", COLLSRC="", DONORCODE="")
            row.update(DONORNUMB="", SAMPSTAT="500")
        if i % 5 == 3:
            row.update(COLLCODE="JOR015;LBN020", BREDCODE="TUR001;SYR002", BREDNAME="ICARDA")
        if i % 6 == 4:
            row.update(GENUS="Aegilops", SPECIES="tauschii", SPAUTHOR="Coss.", DONORCODE="ITA004")
        rows.append(row)
    return rows


def dump() -> dict[str, list]:
    """Every record the import writes and its history, with ids replaced by what they point to:
    accessions by INSTCODE and ACCENUMB, institutes by code, taxa by name."""
    institute = dict(Institute.objects.values_list("id", "code"))
    taxon = {t.pk: str(t) for t in Taxon.objects.all()}
    accession = {
        pk: (institute[code_id], number)
        for pk, code_id, number in Accession.objects.values_list("id", "institute_id", "number")
    }
    event = {
        pk: accession[owner]
        for pk, owner in CollectingEvent.objects.values_list("id", "accession_id")
    }
    history_of = {}
    for model in (*RECORDS, Institute, Taxon):
        for row in model.history.model.objects.values("history_id", "id", "history_type"):
            history_of[(model, row["history_id"])] = row
    names = {
        "accession_id": accession,
        "institute_id": institute,
        "donor_institute_id": institute,
        "taxon_id": taxon,
        "collectingevent_id": event,
    }
    stamps = set()

    def normal(model, row: dict, owner=None) -> tuple:
        row = dict(row)
        for name in ("history_id", "m2m_history_id", "created_at", "updated_at"):
            if name in row:
                stamps.add(row.pop(name)) if name.endswith("_at") else row.pop(name)
        if "history_date" in row:
            stamps.add(row.pop("history_date"))
        if model in (Accession, Accession.history.model):
            row["id"] = accession[row["id"]]
        elif model in (CollectingEvent, CollectingEvent.history.model):
            row["id"] = event[row["id"]]
        elif "id" in row:
            row.pop("id")
        for name, to in names.items():
            if row.get(name) is not None:
                row[name] = to[row[name]]
        if owner is not None:
            row["owner"] = owner
        return tuple(sorted((k, repr(v)) for k, v in row.items()))

    found: dict[str, list] = {}
    for model in (*RECORDS, BREEDING, COLLECTING):
        found[model.__name__] = sorted(normal(model, r) for r in model.objects.values())
    for model in RECORDS:
        history = model.history.model
        found[history.__name__] = sorted(normal(history, r) for r in history.objects.values())
    for field, owner_model in (
        (Accession._meta.get_field("breeding_institutes"), Accession),
        (CollectingEvent._meta.get_field("collecting_institutes"), CollectingEvent),
    ):
        snapshot = getattr(owner_model.history.model, field.name).model
        rows = []
        for r in snapshot.objects.values():
            owner = history_of[(owner_model, r["history_id"])]
            key = (accession if owner_model is Accession else event).get(owner["id"])
            rows.append(normal(snapshot, r, owner=(owner["history_type"], key)))
        found[snapshot.__name__] = sorted(rows)
    found["institutes"] = sorted(
        Institute.objects.values_list("code", "name", "country_id", "is_holding")
    )
    found["taxa"] = sorted(taxon.values())
    found["stamps"] = [len(stamps)]
    return found


def counts(result) -> tuple:
    return result.created, result.updated, result.unchanged, result.rejected, result.written


@pytest.fixture
def copy_calls(monkeypatch):
    """The batches PostgreSQL's writer copied."""
    calls = []
    original = PgWriter.create

    def spy(self, records):
        calls.append(len(records))
        return original(self, records)

    monkeypatch.setattr(PgWriter, "create", spy)
    return calls


def import_both_ways(monkeypatch, steps) -> tuple[dict, dict]:
    """Run the imports `steps` (functions) through PostgreSQL's writer, then, rolled back to
    before them, through the generic one: the two dumps and import results."""
    outcomes = {}
    for writer in (PgWriter, _Writer):
        monkeypatch.setattr(mcpd_import, "PgWriter", writer)
        with transaction.atomic():
            results = [counts(step()) for step in steps]
            outcomes[writer.__name__] = (dump(), results)
            transaction.set_rollback(True)
    return outcomes["PgWriter"], outcomes["_Writer"]


def test_the_copy_path_writes_what_the_generic_writer_writes(
    genebank, other_genebank, mcpd_file, curator, monkeypatch, copy_calls
):
    first = mcpd_file(varied_rows(0, 12))
    changed = varied_rows(6, 12)  # six stored (three changed) and six new
    for row in changed[:3]:
        row.update(ACCENAME="Renamed", COLLCODE="JOR015", REMARKS="Checked again")
    second = mcpd_file(changed)
    steps = [
        lambda: import_mcpd(first, user=curator),
        lambda: import_mcpd(second, user=curator, update=True),
    ]
    (copied, copied_results), (generic, generic_results) = import_both_ways(monkeypatch, steps)
    assert copy_calls == [12, 6]
    assert copied_results == generic_results == [(12, 0, 0, 0, True), (6, 3, 3, 0, True)]
    assert copied == generic
    # What the comparison covers: every kind of record, its history and the many-to-many
    # snapshots, with user, reason and type.
    assert all(copied[name] for name in copied), [n for n in copied if not copied[n]]
    history = copied["HistoricalAccession"]
    assert {dict(row)["history_user_id"] for row in history} == {repr(curator.pk)}
    assert {dict(row)["history_change_reason"] for row in history} == {
        repr(f"MCPD import {first.name}"),
        repr(f"MCPD import {second.name}"),
    }
    assert {dict(row)["history_type"] for row in history} == {"'+'", "'~'"}


def test_one_import_stamps_its_rows_and_history_with_one_time(
    genebank, other_genebank, mcpd_file, curator, copy_calls
):
    import_mcpd(mcpd_file(varied_rows(0, 12)), user=curator)
    assert copy_calls == [12]
    stamps = set(Accession.objects.values_list("created_at", flat=True))
    stamps |= set(Accession.objects.values_list("updated_at", flat=True))
    for model in RECORDS:
        stamps |= set(model.history.model.objects.values_list("history_date", flat=True))
    assert len(stamps) == 1
    # Ids come from the tables' own sequences: the next record made by hand follows on.
    last = Accession.objects.order_by("-pk").first()
    made = Accession.objects.create(
        institute=genebank, number="BY-HAND", taxon=last.taxon, crop_name="wheat"
    )
    assert made.pk > last.pk
    assert AccessionName.objects.create(accession=made, name="x", position=0).pk > max(
        AccessionName.objects.exclude(accession=made).values_list("pk", flat=True)
    )


def test_a_rejected_row_after_copied_batches_leaves_nothing(
    genebank, other_genebank, mcpd_file, monkeypatch, copy_calls
):
    fork_always(monkeypatch, 4, PARALLEL_ROWS=0)
    rows = varied_rows(0, 12)
    rows[10]["SAMPSTAT"] = "301"  # not a code: in the third batch
    result = import_mcpd(mcpd_file(rows))
    assert copy_calls == [4, 4]
    assert result.rejected == 1 and not result.written
    for model in (*RECORDS, BREEDING, COLLECTING):
        assert not model.objects.exists()
        if hasattr(model, "history"):
            assert not model.history.model.objects.exists()


def test_an_exception_mid_way_leaves_nothing_and_the_next_import_works(
    genebank, other_genebank, mcpd_file, monkeypatch, copy_calls
):
    fork_always(monkeypatch, 4, PARALLEL_ROWS=0)
    path = mcpd_file(varied_rows(0, 12))

    def stop(done):
        if done >= 8:
            raise ImportInterrupted

    with pytest.raises(ImportInterrupted):
        import_mcpd(path, on_batch=stop)
    assert copy_calls == [4, 4]
    assert not Accession.objects.exists() and not Accession.history.model.objects.exists()
    assert not AccessionName.objects.exists() and not COLLECTING.objects.exists()
    # The staging tables went with the rolled-back writes; the next import makes them again.
    assert import_mcpd(path).created == 12
    assert Accession.objects.count() == Accession.history.model.objects.count() == 12


def test_importing_again_changes_nothing(genebank, other_genebank, mcpd_file, copy_calls):
    path = mcpd_file(varied_rows(0, 12))
    assert counts(import_mcpd(path)) == (12, 0, 0, 0, True)
    before = dump()
    assert counts(import_mcpd(path)) == (0, 0, 12, 0, True)
    assert copy_calls == [12]
    assert dump() == before


def test_without_the_right_to_make_temporary_tables_the_generic_path_writes(
    genebank, other_genebank, mcpd_file, monkeypatch, copy_calls
):
    def no_temporary_tables(self, cursor):
        self.ready = False
        return False

    monkeypatch.setattr(PgWriter, "_stage_tables", no_temporary_tables)
    path = mcpd_file(varied_rows(0, 12))
    steps = [lambda: import_mcpd(path)]
    (without, results), (generic, generic_results) = import_both_ways(monkeypatch, steps)
    assert copy_calls == [12] and results == generic_results == [(12, 0, 0, 0, True)]
    assert without == generic
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'gb_stage_%%'")
        assert cursor.fetchone() == (0,)


def test_statement_by_statement_when_the_driver_binds_on_the_server(
    genebank, other_genebank, mcpd_file, curator, monkeypatch, copy_calls
):
    from genebank.exchange import mcpd_writer_pg

    # Server-side binding (Django's server_side_binding option) takes one statement at a time.
    monkeypatch.setattr(mcpd_writer_pg, "ClientCursor", type("ServerSide", (), {}))
    path = mcpd_file(varied_rows(0, 12))
    steps = [lambda: import_mcpd(path, user=curator)]
    (one_by_one, results), (generic, generic_results) = import_both_ways(monkeypatch, steps)
    assert copy_calls == [12] and results == generic_results
    assert one_by_one == generic
