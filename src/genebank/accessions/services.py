"""Accession services: the only code that registers, edits or deaccessions accessions.

Every function runs in one transaction and records who, when and why in the audit history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from genebank.accessions import checks
from genebank.accessions.models import (
    Accession,
    AccessionIdentifier,
    AccessionName,
    Acquisition,
    CollectingEvent,
    CollectingMission,
)
from genebank.accessions.signals import accessions_changed
from genebank.core import mcpd_values
from genebank.core.models import Country, Crop, Institute, Taxon
from genebank.core.services import audited_save, bulk_audited_create, mark_change

# MCPD descriptor -> name of the PassportData attribute a form shows it in.
MCPD_TO_FIELD = {
    "INSTCODE": "institute",
    "ACCENUMB": "number",
    "PUID": "puid",
    "GENUS": "genus",
    "SPECIES": "species",
    "SPAUTHOR": "species_author",
    "SUBTAXA": "subtaxa",
    "SUBTAUTHOR": "subtaxa_author",
    "CROPNAME": "crop_name",
    "ACCENAME": "names",
    "ACQDATE": "acquisition_date",
    "ORIGCTY": "origin_country",
    "SAMPSTAT": "sample_status",
    "ANCEST": "ancestry",
    "BREDNAME": "breeder_name",
    "MLSSTAT": "mls_status",
    "OTHERNUMB": "other_numbers",
    "REMARKS": "remarks",
    "COLLNUMB": "collector_number",
    "COLLMISSID": "mission_code",
    "COLLNAME": "collecting_institute_name",
    "COLLSITE": "site",
    "DECLATITUDE": "latitude",
    "DECLONGITUDE": "longitude",
    "LATITUDE": "latitude_dms",
    "LONGITUDE": "longitude_dms",
    "COORDUNCERT": "coordinate_uncertainty",
    "COORDDATUM": "datum",
    "GEOREFMETH": "georeference_method",
    "ELEVATION": "elevation",
    "COLLDATE": "collecting_date",
    "COLLSRC": "collecting_source",
    "DONORNAME": "donor_name",
    "DONORNUMB": "donor_number",
}

COLLECTING_FIELDS = (
    "mission",
    "mission_code",
    "collector_number",
    "collecting_institute_name",
    "collecting_institute_address",
    "site",
    "latitude",
    "longitude",
    "latitude_dms",
    "longitude_dms",
    "coordinate_uncertainty",
    "datum",
    "georeference_method",
    "elevation",
    "collecting_date",
    "collecting_source",
    "habitat",
)
# PassportData attribute -> CollectingEvent field, where the names differ
_EVENT_FIELD = {"collecting_date": "date", "collecting_source": "source"}
ACQUISITION_FIELDS = (
    "acquisition_kind",
    "donor_institute",
    "donor_person",
    "donor_name",
    "donor_number",
    "agreement_reference",
    "import_permit",
    "phytosanitary_certificate",
    "quarantine_status",
    "quarantine_notes",
)
_ACQ_FIELD = {"acquisition_kind": "kind"}
ACCESSION_FIELDS = (
    "puid",
    "crop_name",
    "acquisition_date",
    "origin_country",
    "sample_status",
    "ancestry",
    "breeder_name",
    "mls_status",
    "remarks",
    "is_public",
    "sensitive_location",
)


@dataclass
class PassportData:
    """Everything a person types when registering or editing an accession."""

    institute: Institute | None = None
    number: str = ""
    puid: str = ""
    genus: str = ""
    species: str = ""
    species_author: str = ""
    subtaxa: str = ""
    subtaxa_author: str = ""
    crop: Crop | None = None
    crop_name: str = ""
    names: list[str] = field(default_factory=list)
    other_numbers: list[tuple[str, str]] = field(default_factory=list)
    acquisition_date: str = ""
    origin_country: Country | None = None
    sample_status: int | None = None
    ancestry: str = ""
    breeding_institutes: list[Institute] = field(default_factory=list)
    breeder_name: str = ""
    mls_status: int | None = None
    remarks: str = ""
    is_public: bool = True
    sensitive_location: bool = False
    # collecting event
    mission: CollectingMission | None = None
    mission_code: str = ""
    collector_number: str = ""
    collectors: list = field(default_factory=list)
    collecting_institutes: list[Institute] = field(default_factory=list)
    collecting_institute_name: str = ""
    collecting_institute_address: str = ""
    site: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    latitude_dms: str = ""
    longitude_dms: str = ""
    coordinate_uncertainty: int | None = None
    datum: str = ""
    georeference_method: str = ""
    elevation: int | None = None
    collecting_date: str = ""
    collecting_source: int | None = None
    habitat: str = ""
    # acquisition
    acquisition_kind: str = Acquisition.Kind.OTHER
    donor_institute: Institute | None = None
    donor_person: object | None = None
    donor_name: str = ""
    donor_number: str = ""
    agreement_reference: str = ""
    import_permit: str = ""
    phytosanitary_certificate: str = ""
    quarantine_status: str = Acquisition.Quarantine.NOT_REQUIRED
    quarantine_notes: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> PassportData:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names and v is not None})

    @classmethod
    def from_accession(cls, accession: Accession) -> PassportData:
        taxon = accession.taxon
        data = cls(
            institute=accession.institute,
            number=accession.number,
            genus=taxon.genus,
            species=taxon.species,
            species_author=taxon.species_author,
            subtaxa=taxon.subtaxa,
            subtaxa_author=taxon.subtaxa_author,
            crop=taxon.crop,
            names=accession.names,
            other_numbers=[(o.institute_code, o.identifier) for o in accession.other_numbers.all()],
            breeding_institutes=list(accession.breeding_institutes.all()),
        )
        for name in ACCESSION_FIELDS:
            setattr(data, name, getattr(accession, name))
        event = getattr(accession, "collecting_event", None)
        if event is not None:
            for name in COLLECTING_FIELDS:
                setattr(data, name, getattr(event, _EVENT_FIELD.get(name, name)))
            data.collectors = list(event.collectors.all())
            data.collecting_institutes = list(event.collecting_institutes.all())
        acquisition = getattr(accession, "acquisition", None)
        if acquisition is not None:
            for name in ACQUISITION_FIELDS:
                setattr(data, name, getattr(acquisition, _ACQ_FIELD.get(name, name)))
        return data

    def has_collecting_event(self) -> bool:
        return any(getattr(self, n) not in (None, "", []) for n in COLLECTING_FIELDS) or bool(
            self.collectors or self.collecting_institutes
        )


class PassportInvalid(ValidationError):
    """Errors found in passport data; `problems` keeps every one with its field."""

    def __init__(self, problems):
        self.problems = list(problems)
        by_field: dict[str, list[str]] = {}
        for p in self.problems:
            by_field.setdefault(MCPD_TO_FIELD.get(p.field, p.field), []).append(p.message)
        super().__init__(by_field)


# The longest identifier one OTHERNUMB item may have: its column's length.
OTHER_NUMBER_LENGTH = AccessionIdentifier._meta.get_field("identifier").max_length


def read_other_numbers(text) -> tuple[list[tuple[str, str]], list]:
    """OTHERNUMB text as (INSTCODE, identifier) pairs with its problems, by the MCPD grammar
    (core.mcpd_values): 'NLD037:CGN00254;:ABC123' -> [('NLD037', 'CGN00254'), ('', 'ABC123')]."""
    return mcpd_values.parse_other_numbers(text, "OTHERNUMB", OTHER_NUMBER_LENGTH)


def parse_other_numbers(text: str) -> list[tuple[str, str]]:
    """OTHERNUMB text as (INSTCODE, identifier) pairs; read_other_numbers gives its problems."""
    return read_other_numbers(text)[0]


format_other_numbers = mcpd_values.format_other_numbers


def next_accession_number(institute: Institute) -> str:
    """The number the institute's pattern gives next (after the highest sequence so far)."""
    highest = institute.accessions.aggregate(m=Max("sequence"))["m"] or 0
    number = institute.format_accession_number(highest + 1)
    # Numbers are never reused: skip any that an import already took outside the sequence.
    while institute.accessions.filter(number=number).exists():
        highest += 1
        number = institute.format_accession_number(highest + 1)
    return number


def validate_passport(
    data: PassportData, *, exclude: Accession | None = None, similar: bool = True
):
    """Every problem with this passport data: (errors, warnings), each a list of Problems.

    similar=False leaves out the warnings of accessions it looks like (a bulk registration)."""
    problems = []
    if data.institute is None:
        problems.append(
            mcpd_values.Problem("INSTCODE", "", _("Choose the holding institute."), "error")
        )
    number = (data.number or "").strip()
    if not number:
        problems.append(
            mcpd_values.Problem("ACCENUMB", "", _("The accession number is required."), "error")
        )
    elif data.institute is not None:
        clash = Accession.objects.filter(institute=data.institute, number=number)
        if exclude is not None:
            clash = clash.exclude(pk=exclude.pk)
        if clash.exists():
            problems.append(
                mcpd_values.Problem(
                    "ACCENUMB",
                    number,
                    _("%(institute)s already holds an accession numbered %(number)s.")
                    % {"institute": data.institute.code, "number": number},
                    "error",
                )
            )
    if not (data.genus or "").strip():
        problems.append(mcpd_values.Problem("GENUS", "", _("The genus is required."), "error"))
    else:
        genus, genus_problems = mcpd_values.clean_genus(data.genus.strip())
        problems += genus_problems
        problems += checks.check_taxon(genus, data.species, data.subtaxa)

    acq_date, date_problems = mcpd_values.parse_partial_date(data.acquisition_date or "", "ACQDATE")
    problems += date_problems
    coll_date, date_problems = mcpd_values.parse_partial_date(
        data.collecting_date or "", "COLLDATE"
    )
    problems += date_problems
    if acq_date and coll_date and _date_floor(coll_date) > _date_ceiling(acq_date):
        problems.append(
            mcpd_values.Problem(
                "COLLDATE",
                coll_date,
                _(
                    "The collecting date is after the date the accession entered the collection (%(date)s)."
                )
                % {"date": acq_date},
                "error",
            )
        )

    lat, lon = data.latitude, data.longitude
    lat_dms, lon_dms = (data.latitude_dms or "").strip(), (data.longitude_dms or "").strip()
    if lat_dms:
        problems += mcpd_values.parse_dms(lat_dms, "lat")[1]
    if lon_dms:
        problems += mcpd_values.parse_dms(lon_dms, "lon")[1]
    iso3 = data.origin_country.pk if data.origin_country else None
    problems += checks.check_coordinates(lat, lon, lat_dms, lon_dms, iso3)

    problems += checks.check_names(data.names)

    # Pairs given apart (the API, a service caller) are judged as the same text would be.
    problems += read_other_numbers(format_other_numbers(data.other_numbers))[1]

    if similar and not any(p.severity == "error" for p in problems) and data.institute is not None:
        for similar_accession, reason in checks.find_similar_accessions(
            data.institute,
            collector_number=data.collector_number or None,
            collecting_date=coll_date,
            donor_number=data.donor_number or None,
            names=data.names,
            exclude_pk=exclude.pk if exclude else None,
        ):
            problems.append(
                mcpd_values.Problem(
                    "ACCENUMB",
                    similar_accession.number,
                    _("Looks like %(accession)s already held: %(reason)s")
                    % {
                        "accession": f"{similar_accession.institute.code} "
                        f"{similar_accession.number}",
                        "reason": reason,
                    },
                    "warning",
                )
            )
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    return errors, warnings


def _date_floor(canonical: str) -> str:
    return canonical.replace("--", "00")


def _date_ceiling(canonical: str) -> str:
    return canonical[:4] + canonical[4:6].replace("--", "12") + canonical[6:8].replace("--", "31")


def _normalise(data: PassportData) -> PassportData:
    data.number = (data.number or "").strip()
    data.acquisition_date = (
        mcpd_values.parse_partial_date(data.acquisition_date or "", "ACQDATE")[0] or ""
    )
    data.collecting_date = (
        mcpd_values.parse_partial_date(data.collecting_date or "", "COLLDATE")[0] or ""
    )
    data.latitude_dms = (
        mcpd_values.clean_dms(data.latitude_dms, "lat")[0] or "" if data.latitude_dms else ""
    )
    data.longitude_dms = (
        mcpd_values.clean_dms(data.longitude_dms, "lon")[0] or "" if data.longitude_dms else ""
    )
    if data.latitude is None and data.latitude_dms:
        data.latitude = mcpd_values.parse_dms(data.latitude_dms, "lat")[0]
    if data.longitude is None and data.longitude_dms:
        data.longitude = mcpd_values.parse_dms(data.longitude_dms, "lon")[0]
    data.names = [n.strip() for n in data.names if n and n.strip()]
    data.other_numbers = parse_other_numbers(format_other_numbers(data.other_numbers))
    for attr in ("genus", "species", "species_author", "subtaxa", "subtaxa_author"):
        setattr(data, attr, " ".join((getattr(data, attr) or "").split()))
    data.genus = mcpd_values.clean_genus(data.genus)[0]
    return data


def _taxon_for(data: PassportData, user, reason: str) -> Taxon:
    taxon = Taxon.objects.filter(
        genus=data.genus,
        species=data.species,
        subtaxa=data.subtaxa,
        species_author=data.species_author,
        subtaxa_author=data.subtaxa_author,
    ).first()
    if taxon is None:
        taxon = Taxon(
            genus=data.genus,
            species=data.species,
            subtaxa=data.subtaxa,
            species_author=data.species_author,
            subtaxa_author=data.subtaxa_author,
            crop=data.crop,
        )
        _audited_save(taxon, user, reason)
    elif data.crop is not None and taxon.crop_id is None:
        taxon.crop = data.crop
        _audited_save(taxon, user, reason)
    return taxon


def _audited_save(instance, user, reason: str) -> None:
    # Uniqueness was checked with the whole passport (validate_passport); the database has the
    # last word inside the transaction.
    audited_save(instance, user, reason, validate_unique=False)


def _audited_delete(instance, user, reason: str) -> None:
    mark_change(instance, user, reason)
    instance.delete()


def _set_if_changed(instance, attrs: dict) -> bool:
    changed = False
    for name, value in attrs.items():
        f = instance._meta.get_field(name)
        if value is None and not f.null and isinstance(f, (models.CharField, models.TextField)):
            value = ""  # text columns keep "nothing" as the empty string, never NULL
        if f.is_relation:
            current = getattr(instance, f.attname)
            wanted = value.pk if value is not None else None
        else:
            current, wanted = getattr(instance, name), value
        if current != wanted:
            setattr(instance, name, value)
            changed = True
    return changed


def _write(accession: Accession, data: PassportData, user, reason: str, creating: bool) -> None:
    taxon = _taxon_for(data, user, reason)
    attrs = {name: getattr(data, name) for name in ACCESSION_FIELDS}
    attrs["taxon"] = taxon
    if creating:
        assert data.institute is not None  # validate_passport refuses data without one
        attrs["institute"] = data.institute
        attrs["number"] = data.number
        attrs["sequence"] = data.institute.parse_accession_sequence(data.number)
    if _set_if_changed(accession, attrs) or creating:
        _audited_save(accession, user, reason)
    if set(accession.breeding_institutes.all()) != set(data.breeding_institutes):
        accession.breeding_institutes.set(data.breeding_institutes)

    current_names = list(accession.accession_names.all()) if not creating else []
    if [n.name for n in current_names] != data.names:
        for old in current_names:
            _audited_delete(old, user, reason)
        for position, name in enumerate(data.names):
            _audited_save(
                AccessionName(accession=accession, name=name, position=position), user, reason
            )

    current_numbers = list(accession.other_numbers.all()) if not creating else []
    if [(o.institute_code, o.identifier) for o in current_numbers] != list(data.other_numbers):
        for old_number in current_numbers:
            _audited_delete(old_number, user, reason)
        for position, (code, ident) in enumerate(data.other_numbers):
            _audited_save(
                AccessionIdentifier(
                    accession=accession, institute_code=code, identifier=ident, position=position
                ),
                user,
                reason,
            )

    event = None if creating else CollectingEvent.objects.filter(accession=accession).first()
    if data.has_collecting_event() or event is not None:
        event = event or CollectingEvent(accession=accession)
        event_attrs = {_EVENT_FIELD.get(n, n): getattr(data, n) for n in COLLECTING_FIELDS}
        if _set_if_changed(event, event_attrs) or event.pk is None:
            _audited_save(event, user, reason)
        if set(event.collectors.all()) != set(data.collectors):
            event.collectors.set(data.collectors)
        if set(event.collecting_institutes.all()) != set(data.collecting_institutes):
            event.collecting_institutes.set(data.collecting_institutes)

    acquisition = None if creating else Acquisition.objects.filter(accession=accession).first()
    acquisition = acquisition or Acquisition(accession=accession)
    acq_attrs = {_ACQ_FIELD.get(n, n): getattr(data, n) for n in ACQUISITION_FIELDS}
    if _set_if_changed(acquisition, acq_attrs) or acquisition.pk is None:
        _audited_save(acquisition, user, reason)
    # Values derived from the passport follow it (the exchange's PDCI).
    accessions_changed.send(Accession, accessions=Accession.objects.filter(pk=accession.pk))
    accession.refresh_from_db(fields=["pdci"])


@dataclass
class Outcome:
    accession: Accession
    warnings: list


def register_accession(data: PassportData, *, user, reason: str = "") -> Outcome:
    """Register a new accession; raises PassportInvalid (nothing written) when data are wrong."""
    from genebank.core.permissions import REGISTER, require

    if data.institute is not None:
        require(user, REGISTER, data.institute)
    errors, warnings = validate_passport(data)
    if errors:
        raise PassportInvalid(errors)
    data = _normalise(data)
    with transaction.atomic():
        accession = Accession()
        _write(accession, data, user, reason or _("Registered"), creating=True)
    return Outcome(accession, warnings)


@dataclass
class KeptPassport(PassportData):
    """Passport data with the MCPD values a bulk registration keeps as given: STORAGE, DUPLSITE
    and DUPLINSTNAME, which no form edits (a file's or the demo collection's)."""

    storage_codes: str = ""
    duplicate_site_codes: str = ""
    duplicate_site_names: str = ""


_KEPT_FIELDS = ("storage_codes", "duplicate_site_codes", "duplicate_site_names")


def _clean_new(record: models.Model) -> None:
    """full_clean of a new record of a bulk registration, less what the batch checks at once: its
    links (read from the database in this transaction) and uniqueness (the database's)."""
    links = [f.name for f in record._meta.concrete_fields if f.is_relation]
    record.full_clean(exclude=links, validate_unique=False, validate_constraints=False)


def register_accessions(passports, *, user, reason: str) -> list[Accession]:
    """Register many new accessions at once: the bulk path of register_accession.

    Each passport is checked as register_accession checks it (validate_passport, less the
    warnings of similar accessions), and the numbers of the batch against each other; any error
    raises PassportInvalid and nothing is written. The records go in with one INSERT per table
    and batch, each with its creation history row (user, reason). Passports may be
    KeptPassport, to keep STORAGE and DUPLSITE as given. Returns the accessions, in order.
    """
    from genebank.core.permissions import REGISTER, require

    passports = list(passports)
    for institute in {p.institute for p in passports if p.institute is not None}:
        require(user, REGISTER, institute)
    problems = []
    seen: set[tuple[int, str]] = set()
    for data in passports:
        errors, _warnings = validate_passport(data, similar=False)
        problems += errors
        key = (getattr(data.institute, "pk", 0), (data.number or "").strip())
        if key in seen:
            problems.append(
                mcpd_values.Problem(
                    "ACCENUMB",
                    key[1],
                    _("The number %(number)s is given twice.") % {"number": key[1]},
                    "error",
                )
            )
        seen.add(key)
    if problems:
        raise PassportInvalid(problems)
    passports = [_normalise(data) for data in passports]
    with transaction.atomic():
        taxa: dict[tuple, Taxon] = {}
        accessions = []
        for data in passports:
            taxon_key = (
                data.genus,
                data.species,
                data.subtaxa,
                data.species_author,
                data.subtaxa_author,
            )
            if taxon_key not in taxa:
                taxa[taxon_key] = _taxon_for(data, user, reason)
            assert data.institute is not None  # validate_passport refuses data without one
            accession = Accession(
                institute=data.institute,
                number=data.number,
                sequence=data.institute.parse_accession_sequence(data.number),
                taxon=taxa[taxon_key],
            )
            _set_if_changed(accession, {name: getattr(data, name) for name in ACCESSION_FIELDS})
            for name in _KEPT_FIELDS:
                setattr(accession, name, getattr(data, name, ""))
            _clean_new(accession)
            accessions.append(accession)
        accessions = bulk_audited_create(
            Accession,
            accessions,
            user,
            reason,
            m2m={"breeding_institutes": [list(p.breeding_institutes) for p in passports]},
        )
        rows = list(zip(passports, accessions, strict=True))
        names = [
            AccessionName(accession=a, name=name, position=i)
            for p, a in rows
            for i, name in enumerate(p.names)
        ]
        numbers = [
            AccessionIdentifier(accession=a, institute_code=code, identifier=ident, position=i)
            for p, a in rows
            for i, (code, ident) in enumerate(p.other_numbers)
        ]
        collected = [(p, a) for p, a in rows if p.has_collecting_event()]
        events = []
        for p, a in collected:
            event = CollectingEvent(accession=a)
            _set_if_changed(
                event, {_EVENT_FIELD.get(n, n): getattr(p, n) for n in COLLECTING_FIELDS}
            )
            events.append(event)
        acquisitions = []
        for p, a in rows:
            acquisition = Acquisition(accession=a)
            _set_if_changed(
                acquisition, {_ACQ_FIELD.get(n, n): getattr(p, n) for n in ACQUISITION_FIELDS}
            )
            acquisitions.append(acquisition)
        for record in (*names, *numbers, *events, *acquisitions):
            _clean_new(record)
        bulk_audited_create(AccessionName, names, user, reason)
        bulk_audited_create(AccessionIdentifier, numbers, user, reason)
        bulk_audited_create(
            CollectingEvent,
            events,
            user,
            reason,
            m2m={
                "collectors": [list(p.collectors) for p, _a in collected],
                "collecting_institutes": [list(p.collecting_institutes) for p, _a in collected],
            },
        )
        bulk_audited_create(Acquisition, acquisitions, user, reason)
        # Values derived from the passports follow them (the exchange's PDCI).
        accessions_changed.send(
            Accession, accessions=Accession.objects.filter(pk__in=[a.pk for a in accessions])
        )
    return accessions


def update_accession(accession: Accession, data: PassportData, *, user, reason: str) -> Outcome:
    """Change an accession's passport data; the institute and number never change."""
    from genebank.core.permissions import EDIT, require

    require(user, EDIT, accession.institute)
    data.institute = accession.institute
    data.number = accession.number
    errors, warnings = validate_passport(data, exclude=accession)
    if errors:
        raise PassportInvalid(errors)
    data = _normalise(data)
    with transaction.atomic():
        locked = Accession.objects.select_for_update().get(pk=accession.pk)
        _write(locked, data, user, reason or _("Edited"), creating=False)
    accession.refresh_from_db()
    return Outcome(accession, warnings)


def _set_status(accession: Accession, *, user, reason: str, **fields) -> Accession:
    from genebank.core.permissions import DEACCESSION, require

    require(user, DEACCESSION, accession.institute)
    with transaction.atomic():
        accession = Accession.objects.select_for_update().get(pk=accession.pk)
        for name, value in fields.items():
            setattr(accession, name, value)
        _audited_save(accession, user, reason)
    return accession


def deaccession(accession: Accession, *, date: datetime.date, reason: str, user) -> Accession:
    """Take an accession out of the collection; the record and its number stay for ever."""
    from genebank.core.permissions import DEACCESSION, require

    require(user, DEACCESSION, accession.institute)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for deaccessioning.")})
    _refuse(checks.check_event_date(date, "date"))
    if accession.status == Accession.Status.DEACCESSIONED:
        raise ValidationError(_("This accession is already deaccessioned."))
    return _set_status(
        accession,
        user=user,
        reason=_("Deaccessioned: %(reason)s") % {"reason": reason},
        status=Accession.Status.DEACCESSIONED,
        deaccession_date=date,
        deaccession_reason=reason,
    )


def _refuse(problems) -> None:
    """Raise the errors among these problems as a ValidationError keyed by their fields."""
    by_field: dict[str, list[str]] = {}
    for p in problems:
        if p.is_error:
            by_field.setdefault(p.field, []).append(p.message)
    if by_field:
        raise ValidationError(by_field)


def reinstate(accession: Accession, *, reason: str, user) -> Accession:
    """Undo a deaccession (for example one made in error), with the reason kept."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reinstating.")})
    return _set_status(
        accession,
        user=user,
        reason=_("Reinstated: %(reason)s") % {"reason": reason},
        status=Accession.Status.ACTIVE,
        deaccession_date=None,
        deaccession_reason="",
    )


def save_mission(
    mission: CollectingMission, *, data: dict, user, reason: str = ""
) -> CollectingMission:
    """Create or change a collecting mission."""
    from genebank.core.permissions import MANAGE_MISSIONS, require

    require(user, MANAGE_MISSIONS, data.get("institute") or mission.institute)
    _refuse(
        checks.check_mission_dates(
            data.get("start_date", mission.start_date), data.get("end_date", mission.end_date)
        )
    )
    team = data.pop("team", None)
    crops = data.pop("target_crops", None)
    with transaction.atomic():
        for name, value in data.items():
            setattr(mission, name, value)
        _audited_save(mission, user, reason or (_("Edited") if mission.pk else _("Created")))
        if team is not None:
            mission.team.set(team)
        if crops is not None:
            mission.target_crops.set(crops)
    return mission
