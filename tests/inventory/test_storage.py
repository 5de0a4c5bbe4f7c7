"""The storage tree, where lots may go, MCPD STORAGE from lots, and reserve levels."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from genebank.accessions.models import Accession
from genebank.core.models import Crop, Role
from genebank.inventory import services
from genebank.inventory.mcpd import storage_codes_for, storage_field
from genebank.inventory.models import ReserveLevel, SeedLot, StorageLocation
from tests.factories import InstituteFactory, member

Kind = StorageLocation.Kind


def test_paths_follow_the_tree(storage):
    assert storage["box"].path == "HQ/Cold room 1/Shelf A/Box 1"
    assert storage["box"].effective_storage_kind == "base"  # inherited from the cold room
    assert [p.name for p in storage["box"].ancestors()] == ["HQ", "Cold room 1", "Shelf A"]
    assert set(storage["base_room"].descendants()) == {storage["shelf"], storage["box"]}


def test_moving_a_subtree_rewrites_every_path_below(storage, curator):
    services.move_location(storage["shelf"], storage["active"], curator, "Shelf moved to cool room")
    paths = dict(StorageLocation.objects.values_list("code", "path"))
    assert paths["CR1-A"] == "HQ/Cool room/Shelf A"
    assert paths["CR1-A-1"] == "HQ/Cool room/Shelf A/Box 1"
    assert paths["CR1"] == "HQ/Cold room 1"
    box = StorageLocation.objects.get(code="CR1-A-1")
    assert box.effective_storage_kind == "active"
    last = box.history.first()
    assert last.history_change_reason == "Shelf moved to cool room"
    assert last.history_user == curator


def test_a_place_cannot_move_inside_itself(storage, curator):
    with pytest.raises(ValidationError) as err:
        services.move_location(storage["base_room"], storage["box"], curator, "oops")
    assert err.value.code == "cycle"
    assert StorageLocation.objects.get(code="CR1").path == "HQ/Cold room 1"


def test_two_places_cannot_share_a_path(storage, curator, genebank):
    services.create_location(
        institute=genebank,
        name="Shelf A",
        code="CR2-A",
        kind=Kind.SHELF,
        user=curator,
        parent=storage["active"],
    )
    with pytest.raises(ValidationError) as err:
        services.move_location(storage["shelf"], storage["active"], curator, "merge rooms")
    assert err.value.code == "path"
    with pytest.raises(ValidationError):
        services.create_location(
            institute=genebank,
            name="Shelf A",
            code="X",
            kind=Kind.SHELF,
            user=curator,
            parent=storage["active"],
        )


def test_names_with_a_slash_and_reused_codes_are_refused(storage, curator, genebank):
    with pytest.raises(ValidationError):
        services.create_location(
            institute=genebank, name="A/B", code="AB", kind=Kind.BOX, user=curator
        )
    with pytest.raises(ValidationError):
        services.create_location(
            institute=genebank, name="New", code="CR1", kind=Kind.BOX, user=curator
        )


def test_a_technician_does_not_rearrange_the_storage_tree(storage, technician):
    with pytest.raises(PermissionDenied):
        services.move_location(storage["shelf"], storage["active"], technician, "tidy")


def test_lots_go_only_where_they_fit(storage, accession, technician):
    base = services.receive(accession, 3000, "seeds", "base", technician, location=storage["box"])
    active = services.receive(accession, 500, "seeds", "active", technician)
    assert base.location == storage["box"]
    with pytest.raises(ValidationError) as err:
        services.move_lot(active, storage["box"], technician)
    assert err.value.code == "wrong_kind"
    assert "not a storage unit for the active collection" in err.value.messages[0]
    with pytest.raises(ValidationError) as err:
        services.move_lot(active, storage["site"], technician)
    assert err.value.code == "wrong_kind"
    services.move_lot(active, storage["active"], technician, "to the cool room")
    active.refresh_from_db()
    assert active.location == storage["active"]
    assert active.history.first().history_change_reason == "to the cool room"


def test_a_full_box_takes_no_more_lots(storage, accession, technician):
    box = storage["box"]  # capacity 2
    first = services.receive(accession, 100, "seeds", "base", technician, location=box)
    services.receive(accession, 100, "seeds", "base", technician, location=box)
    count = SeedLot.objects.count()
    with pytest.raises(ValidationError) as err:
        services.receive(accession, 100, "seeds", "base", technician, location=box)
    assert err.value.code == "full"
    assert SeedLot.objects.count() == count  # nothing written
    third = services.receive(accession, 100, "seeds", "base", technician, location=storage["shelf"])
    with pytest.raises(ValidationError):
        services.move_lot(third, box, technician)
    # An emptied lot frees its place.
    services.withdraw(first, 100, "seeds", "regeneration", technician)
    services.move_lot(third, box, technician)


def test_places_of_another_institute_are_refused(storage, make_accession, technician):
    other = InstituteFactory(code="SYR002")
    foreign = Accession.objects.create(institute=other, number="IG 1", taxon=make_accession().taxon)
    member("tariq", other, Role.TECHNICIAN)
    with pytest.raises(ValidationError) as err:
        services.receive(foreign, 100, "seeds", "base", technician, location=storage["box"])
    assert err.value.code == "institute"


def test_mcpd_storage_comes_from_the_lots_that_hold_seed(storage, accession, technician):
    assert storage_codes_for(accession) == []
    base = services.receive(accession, 3000, "seeds", "base", technician, location=storage["box"])
    assert storage_codes_for(accession) == [13]
    active = services.receive(accession, 500, "seeds", "active", technician)
    services.receive(accession, 20, "seeds", "other", technician)
    assert storage_codes_for(accession) == [10, 12, 13]
    assert storage_field(accession) == "10;12;13"
    services.withdraw(base, 3000, "seeds", "regeneration", technician)
    services.withdraw(active, 500, "seeds", "distribution", technician)
    assert storage_codes_for(accession) == [10]


def test_other_seed_in_working_storage_is_short_term(
    storage, accession, technician, genebank, curator
):
    working = services.create_location(
        institute=genebank,
        name="Fridge",
        code="F1",
        kind=Kind.FREEZER,
        user=curator,
        parent=storage["site"],
        storage_kind="working",
    )
    services.receive(accession, 20, "seeds", "other", technician, location=working)
    assert storage_codes_for(accession) == [11]


def test_reserve_levels_default_to_the_fao_sample_sizes(db):
    lentil = Crop.objects.create(name="Lentil")
    default = ReserveLevel.for_crop(lentil)
    assert default.pk is None
    assert (default.distribution_reserve, default.regeneration_threshold) == (1500, 1500)
    maize = ReserveLevel.objects.create(
        crop=Crop.objects.create(name="Maize"), mating_system="cross"
    )
    assert (maize.distribution_reserve, maize.regeneration_threshold) == (3000, 3000)
    maize.regeneration_threshold = 4000
    maize.save()
    assert ReserveLevel.for_crop(maize.crop).regeneration_threshold == 4000


def test_the_tree_keeps_the_shape_of_a_genebank(storage, curator, genebank):
    def place(name, kind, parent=None):
        return services.create_location(
            institute=genebank, name=name, code=name, kind=kind, user=curator, parent=parent
        )

    with pytest.raises(ValidationError) as err:
        place("Loose box", Kind.BOX)  # a box at the top level
    assert err.value.code == "nesting"
    with pytest.raises(ValidationError):
        place("Room in a box", Kind.ROOM, storage["box"])
    with pytest.raises(ValidationError):
        services.move_location(storage["box"], storage["site"], curator, "a box on the lawn")
    freezer = place("Freezer 2", Kind.FREEZER, storage["base_room"])
    assert place("Pos 1", Kind.POSITION, freezer).path == "HQ/Cold room 1/Freezer 2/Pos 1"
