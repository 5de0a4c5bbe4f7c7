"""An accession's passport as MCPD v2.1: the standard's 41 fields produced from normalized records."""

from __future__ import annotations

from genebank.accessions.models import Accession
from genebank.accessions.queries import institute_codes
from genebank.accessions.registries import mcpd_fields
from genebank.accessions.sensitive import WITHHELD_FIELDS, shows_exact_site, withheld_site

MCPD_FIELDS = [
    "PUID", "INSTCODE", "ACCENUMB", "COLLNUMB", "COLLCODE", "COLLNAME", "COLLINSTADDRESS",
    "COLLMISSID", "GENUS", "SPECIES", "SPAUTHOR", "SUBTAXA", "SUBTAUTHOR", "CROPNAME", "ACCENAME",
    "ACQDATE", "ORIGCTY", "COLLSITE", "DECLATITUDE", "LATITUDE", "DECLONGITUDE", "LONGITUDE",
    "COORDUNCERT", "COORDDATUM", "GEOREFMETH", "ELEVATION", "COLLDATE", "BREDCODE", "BREDNAME",
    "SAMPSTAT", "ANCEST", "COLLSRC", "DONORCODE", "DONORNAME", "DONORNUMB", "OTHERNUMB", "DUPLSITE",
    "DUPLINSTNAME", "STORAGE", "MLSSTAT", "REMARKS",
]  # fmt: skip

# Withheld for sensitive sites from those who may not see them (accessions.sensitive).
SENSITIVE_FIELDS = WITHHELD_FIELDS


def _text(value) -> str:
    if value is None:
        return ""
    return str(value)


def _decimal(value) -> str:
    """Decimal degrees without trailing zeros: 32.600000 -> 32.6."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def mcpd_row(accession: Accession, *, user=None, public: bool = False) -> dict[str, str]:
    """The accession as one MCPD row, as this user may see it.

    A sensitive site is withheld unless the user may see it (accessions.sensitive), and always
    with public=True; without a user, it is withheld too: a caller that forgets to say who is
    looking must not get more than the least privileged viewer.
    """
    taxon = accession.taxon
    event = getattr(accession, "collecting_event", None)
    acq = getattr(accession, "acquisition", None)
    row = dict.fromkeys(MCPD_FIELDS, "")
    row.update(
        PUID=accession.puid,
        INSTCODE=accession.institute.code,
        ACCENUMB=accession.number,
        GENUS=taxon.genus,
        SPECIES=taxon.species,
        SPAUTHOR=taxon.species_author,
        SUBTAXA=taxon.subtaxa,
        SUBTAUTHOR=taxon.subtaxa_author,
        CROPNAME=accession.crop_name,
        ACCENAME=";".join(n.name for n in accession.accession_names.all()),
        ACQDATE=accession.acquisition_date,
        ORIGCTY=accession.origin_country_id or "",
        BREDCODE=institute_codes(accession.breeding_institutes),
        BREDNAME=accession.breeder_name,
        SAMPSTAT=_text(accession.sample_status),
        ANCEST=accession.ancestry,
        OTHERNUMB=";".join(
            f"{o.institute_code}:{o.identifier}" for o in accession.other_numbers.all()
        ),
        DUPLSITE=accession.duplicate_site_codes,
        DUPLINSTNAME=accession.duplicate_site_names,
        STORAGE=accession.storage_codes,
        MLSSTAT=_text(accession.mls_status),
        REMARKS=accession.remarks,
    )
    if event is not None:
        row.update(
            COLLNUMB=event.collector_number,
            COLLCODE=institute_codes(event.collecting_institutes),
            COLLNAME=event.collecting_institute_name,
            COLLINSTADDRESS=event.collecting_institute_address,
            COLLMISSID=event.mission_code or (event.mission.code if event.mission_id else ""),
            COLLSITE=event.site,
            DECLATITUDE=_decimal(event.latitude),
            LATITUDE=event.latitude_dms,
            DECLONGITUDE=_decimal(event.longitude),
            LONGITUDE=event.longitude_dms,
            COORDUNCERT=_text(event.coordinate_uncertainty),
            COORDDATUM=event.datum,
            GEOREFMETH=event.georeference_method,
            ELEVATION=_text(event.elevation),
            COLLDATE=event.date,
            COLLSRC=_text(event.source),
        )
    if acq is not None:
        row.update(
            DONORCODE=acq.donor_institute.code if acq.donor_institute_id else "",
            DONORNAME=acq.donor_name or (acq.donor_person.name if acq.donor_person_id else ""),
            DONORNUMB=acq.donor_number,
        )
    # Fields that higher apps derive (STORAGE from the seed lots that hold seed) replace the
    # stored text where they derive something.
    for derived in mcpd_fields:
        value = derived.values([accession.pk]).get(accession.pk)
        if value:
            row[derived.name] = value
    if event is not None and not shows_exact_site(
        user, accession.institute_id, accession.sensitive_location, public=public
    ):
        row.update(withheld_site())
    return row
