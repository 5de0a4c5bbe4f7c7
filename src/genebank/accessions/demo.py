"""Loads the demo collection (accessions.demo_plan) through the services, as a genebank would enter it.

Institutes, crops, taxa and people go in through core.services.save_reference_record, the demo
users and their roles through core.services.add_members, missions through save_mission, the
accessions through register_accessions (the bulk path of register_accession: the same checks and
one history row per record) and the deaccessions through deaccession(). Every history row names
the demo administrator and the reason "Demo collection"; nothing here writes a record itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from genebank.accessions import services
from genebank.accessions.demo_plan import (
    BATCH,
    CROP_BY_NAME,
    CROPS,
    DEFAULT_COUNT,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DEMO_REASON,
    DEMO_USERS,
    HOLDING,
    HOLDING_CODE,
    PARTNERS,
    PEOPLE,
    AccessionPlan,
    DemoPlan,
    plan_demo_collection,
)
from genebank.accessions.models import Accession, Acquisition, CollectingMission
from genebank.core.annex1 import annex1_crop
from genebank.core.models import Cooperator, Country, Crop, Institute, Taxon
from genebank.core.services import add_members, save_reference_record

__all__ = [
    "DEFAULT_COUNT",
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "DEMO_REASON",
    "DEMO_USERS",
    "HOLDING_CODE",
    "DemoSummary",
    "database_digest",
    "demo_data_present",
    "load_demo_collection",
]


@dataclass
class DemoSummary:
    institute: Institute
    accessions: int
    missions: int
    users: list[tuple[str, str, bool]]  # username, role, created now (password set)


def demo_data_present() -> bool:
    return Accession.objects.exists()


def database_digest(institute: Institute) -> str:
    """The same fingerprint as demo_plan.plan_digest(), read back from the database."""
    lines = []
    accessions = (
        Accession.objects.filter(institute=institute)
        .select_related("taxon", "collecting_event")
        .prefetch_related("accession_names")
        .order_by("sequence")
    )
    for a in accessions:
        e = getattr(a, "collecting_event", None)
        lines.append(
            "|".join(
                str(v)
                for v in (
                    a.number,
                    a.taxon.name,
                    ";".join(a.names),
                    a.origin_country_id,
                    a.sample_status,
                    a.acquisition_date,
                    e.collector_number if e else "",
                    e.latitude_dms if e else "",
                    e.longitude_dms if e else "",
                )
            )
        )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _administrator():
    """The demo's system administrator, the one account not given by a role: `genebank
    createsuperuser`'s way (Django's create_superuser). Kept as it is when it exists."""
    User = get_user_model()
    admin = User.objects.filter(username="admin").first()
    if admin is not None:
        return admin, False
    admin = User.objects.create_superuser(
        "admin",
        "admin@demo.invalid",
        DEMO_PASSWORD,
        first_name="Admin",
        last_name="(demo)",
    )
    return admin, True


def _institutes(admin) -> dict[str, Institute]:
    specs = (HOLDING, *PARTNERS)
    institutes = {i.code: i for i in Institute.objects.filter(code__in=[s.code for s in specs])}
    for s in specs:
        if s.code in institutes:
            continue
        institutes[s.code] = save_reference_record(
            Institute(
                code=s.code,
                name=s.name,
                acronym=s.acronym,
                country_id=s.country,
                address=s.address,
                is_holding=s is HOLDING,
                accession_prefix="JO-" if s is HOLDING else "",
                accession_digits=6 if s is HOLDING else 0,
            ),
            user=admin,
            reason=DEMO_REASON,
        )
    holding = institutes[HOLDING_CODE]
    if not holding.is_holding:
        # An institute someone typed in before running the demo: make it the holding genebank.
        holding.is_holding = True
        holding.accession_prefix, holding.accession_digits = "JO-", 6
        save_reference_record(holding, user=admin, reason=DEMO_REASON)
    return institutes


def _users(admin, admin_created: bool, holding: Institute) -> list[tuple[object, str, bool]]:
    User = get_user_model()
    held = set(holding.members.values_list("user__username", flat=True))
    given = add_members(
        holding,
        [
            (username, role, username.capitalize(), "(demo)", f"{username}@demo.invalid")
            for username, role in DEMO_USERS
            if username not in held
        ],
        password=DEMO_PASSWORD,
        user=admin,
        reason=DEMO_REASON,
    )
    created = {m.user.username: new for m, new in given}
    created["admin"] = admin_created
    accounts = {
        u.username: u for u in User.objects.filter(username__in=[n for n, _r in DEMO_USERS])
    }
    return [
        (accounts[username], role, created.get(username, False)) for username, role in DEMO_USERS
    ]


def _crops_and_taxa(admin) -> tuple[dict[str, Crop], dict[tuple, Taxon]]:
    crops = {c.name: c for c in Crop.objects.filter(name__in=CROP_BY_NAME)}
    for c in CROPS:
        if c.name not in crops:
            crops[c.name] = save_reference_record(
                Crop(name=c.name, name_fr=c.name_fr, name_ar=c.name_ar),
                user=admin,
                reason=DEMO_REASON,
            )
    taxa: dict[tuple, Taxon] = {}
    for crop in CROPS:
        for spec in crop.taxa:
            found = Taxon.objects.filter(
                genus=spec.genus,
                species=spec.species,
                subtaxa=spec.subtaxa,
                species_author=spec.species_author,
                subtaxa_author=spec.subtaxa_author,
            ).first()
            taxa[spec.key] = found or save_reference_record(
                Taxon(
                    genus=spec.genus,
                    species=spec.species,
                    species_author=spec.species_author,
                    subtaxa=spec.subtaxa,
                    subtaxa_author=spec.subtaxa_author,
                    crop=crops[crop.name],
                ),
                user=admin,
                reason=DEMO_REASON,
            )
    return crops, taxa


def _people(admin, institutes: dict[str, Institute]) -> dict[str, Cooperator]:
    return {
        p.name: save_reference_record(
            Cooperator(
                name=p.name,
                institute=institutes.get(p.institute),
                country_id=p.country,
                is_collector=p.collector,
                is_donor=p.donor,
                is_breeder=p.breeder,
            ),
            user=admin,
            reason=DEMO_REASON,
        )
        for p in PEOPLE
    }


def _missions(admin, plan: DemoPlan, ctx: dict) -> dict[str, CollectingMission]:
    missions = {}
    for m in plan.missions:
        missions[m.code] = services.save_mission(
            CollectingMission(),
            data={
                "code": m.code,
                "name": m.name,
                "institute": ctx["institutes"][m.organiser],
                "country_id": m.country,
                "start_date": m.start,
                "end_date": m.end,
                "collecting_permit": m.collecting_permit,
                "pic_reference": m.pic_reference,
                "export_permit": m.export_permit,
                "notes": m.notes,
                "team": [ctx["people"][n] for n in m.team],
                "target_crops": [ctx["crops"][c] for c in m.target_crops],
            },
            user=admin,
            reason=DEMO_REASON,
        )
    return missions


def _passport(p: AccessionPlan, ctx: dict) -> services.KeptPassport:
    """The passport of a planned accession, as a person (or a file) gives it to the services."""
    institutes, people, countries = ctx["institutes"], ctx["people"], ctx["countries"]
    acquisition = p.acquisition
    data = services.KeptPassport(
        institute=ctx["holding"],
        number=p.number,
        genus=p.taxon.genus,
        species=p.taxon.species,
        species_author=p.taxon.species_author,
        subtaxa=p.taxon.subtaxa,
        subtaxa_author=p.taxon.subtaxa_author,
        crop=ctx["crops"][p.crop],
        crop_name=p.crop,
        names=list(p.names),
        other_numbers=list(p.other_numbers),
        acquisition_date=acquisition.date,
        origin_country=countries.get(p.origin),
        sample_status=p.sample_status,
        ancestry=p.ancestry,
        breeding_institutes=[institutes[c] for c in p.breeding_institutes],
        breeder_name=p.breeder_name,
        mls_status=1
        if annex1_crop(p.taxon.genus, p.taxon.species) and acquisition.kind != Acquisition.Kind.BRED
        else 0,
        remarks=p.remarks,
        is_public=p.is_public,
        sensitive_location=p.sensitive_location,
        acquisition_kind=acquisition.kind,
        donor_institute=institutes.get(acquisition.donor_institute),
        donor_person=people.get(acquisition.donor_person),
        donor_name=acquisition.donor_name,
        donor_number=acquisition.donor_number,
        agreement_reference=acquisition.agreement_reference,
        import_permit=acquisition.import_permit,
        phytosanitary_certificate=acquisition.phytosanitary_certificate,
        quarantine_status=acquisition.quarantine_status,
        quarantine_notes=acquisition.quarantine_notes,
        storage_codes=p.storage_codes,
        duplicate_site_codes=p.duplicate_site_codes,
        duplicate_site_names=p.duplicate_site_names,
    )
    e = p.event
    if e is not None:
        data.mission = ctx["missions"][e.mission_code]
        data.mission_code = e.mission_code
        data.collector_number = e.collector_number
        data.collectors = [people[n] for n in e.collectors]
        data.collecting_institutes = [institutes[c] for c in e.institutes]
        data.site = e.site
        data.latitude, data.longitude = e.latitude, e.longitude
        data.latitude_dms, data.longitude_dms = e.latitude_dms, e.longitude_dms
        data.coordinate_uncertainty = e.uncertainty
        data.datum = "WGS84"
        data.georeference_method = e.georeference_method
        data.elevation = e.elevation
        data.collecting_date = e.date
        data.collecting_source = e.source
        data.habitat = e.habitat
    return data


def load_demo_collection(
    count: int = DEFAULT_COUNT,
    seed: int = DEFAULT_SEED,
    progress: Callable[[int], None] | None = None,
) -> DemoSummary:
    """Load the demo genebank, its partners, people, missions and `count` accessions, atomically.

    The caller checks that the database holds no accessions yet; this function refuses otherwise.
    """
    plan = plan_demo_collection(count, seed)
    progress = progress or (lambda n: None)
    with transaction.atomic():
        if demo_data_present():
            raise ValueError("The database already holds accessions.")
        admin, admin_created = _administrator()
        institutes = _institutes(admin)
        holding = institutes[HOLDING_CODE]
        users = _users(admin, admin_created, holding)
        crops, taxa = _crops_and_taxa(admin)
        ctx = {
            "holding": holding,
            "institutes": institutes,
            "crops": crops,
            "taxa": taxa,
            "people": _people(admin, institutes),
            "countries": Country.objects.in_bulk(),
        }
        ctx["missions"] = _missions(admin, plan, ctx)
        for p in plan.accessions:
            p.number = holding.format_accession_number(p.sequence)
        for start in range(0, len(plan.accessions), BATCH):
            batch = plan.accessions[start : start + BATCH]
            services.register_accessions(
                [_passport(p, ctx) for p in batch], user=admin, reason=DEMO_REASON
            )
            progress(len(batch))
        gone = [p for p in plan.accessions if p.deaccession_date]
        for accession, p in zip(
            Accession.objects.filter(
                institute=holding, number__in=[p.number for p in gone]
            ).order_by("sequence"),
            sorted(gone, key=lambda p: p.sequence),
            strict=True,
        ):
            services.deaccession(
                accession, date=p.deaccession_date, reason=p.deaccession_reason, user=admin
            )
    return DemoSummary(
        institute=holding,
        accessions=len(plan.accessions),
        missions=len(plan.missions),
        users=[(u.username, role, created) for u, role, created in users],
    )
