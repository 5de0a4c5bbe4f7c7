"""What each role may do, per institute: one table every view, form and service consults."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from genebank.core.models import Cooperator, Crop, Institute, Membership, Role, Taxon

VIEW = "view"
REGISTER = "register_accession"
EDIT = "edit_accession"
DEACCESSION = "deaccession"
MANAGE_MISSIONS = "manage_missions"
MANAGE_REFERENCE = "manage_reference"  # an institute's own record and its people
MANAGE_SHARED_LISTS = "manage_shared_lists"  # taxa and crops, which every institute uses
MANAGE_USERS = "manage_users"
# Exact collecting sites of accessions marked sensitive (accessions/sensitive.py generalises them
# for everyone else).
VIEW_SENSITIVE_LOCATION = "view_sensitive_location"

_ALL = set(Role.values)
CAPABILITIES: dict[str, set[str]] = {
    VIEW: _ALL,
    REGISTER: {Role.TECHNICIAN, Role.CURATOR, Role.ADMINISTRATOR},
    EDIT: {Role.TECHNICIAN, Role.CURATOR, Role.ADMINISTRATOR},
    DEACCESSION: {Role.CURATOR, Role.ADMINISTRATOR},
    MANAGE_MISSIONS: {Role.CURATOR, Role.ADMINISTRATOR},
    MANAGE_REFERENCE: {Role.CURATOR, Role.ADMINISTRATOR},
    # No role at one institute gives it: a change to a shared taxon changes the accessions of
    # every institute, so it belongs to the data stewards of the whole system.
    MANAGE_SHARED_LISTS: set(),
    MANAGE_USERS: {Role.ADMINISTRATOR},
    VIEW_SENSITIVE_LOCATION: {Role.CURATOR, Role.ADMINISTRATOR},
}

# Capabilities held across all institutes, as a Django permission (given to a user directly or
# through the "Data stewards" group, in the Django admin; superusers hold every permission).
GLOBAL_PERMISSIONS: dict[str, str] = {MANAGE_SHARED_LISTS: "core.manage_shared_lists"}
DATA_STEWARDS_GROUP = "Data stewards"


def roles_of(user) -> dict[int, str]:
    """institute id -> role for this user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, "_genebank_roles", None)
    if cached is None:
        cached = dict(
            Membership.objects.filter(user=user, is_active=True).values_list("institute_id", "role")
        )
        user._genebank_roles = cached
    return cached


def can(user, capability: str, institute: Institute | int | None = None) -> bool:
    """May this user do this, at this institute (or at any institute when none is given)?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if capability in GLOBAL_PERMISSIONS:
        return user.has_perm(GLOBAL_PERMISSIONS[capability])
    allowed = CAPABILITIES[capability]
    roles = roles_of(user)
    if institute is None:
        return any(role in allowed for role in roles.values())
    institute_id = institute if isinstance(institute, int) else institute.pk
    return roles.get(institute_id) in allowed


def require(user, capability: str, institute: Institute | int | None = None) -> None:
    if not can(user, capability, institute):
        raise PermissionDenied(_("Your role does not allow this action."))


def institutes_where(user, capability: str):
    """The institutes at which this user may do this."""
    if getattr(user, "is_superuser", False) or (
        capability in GLOBAL_PERMISSIONS and can(user, capability)
    ):
        return Institute.objects.all()
    allowed = CAPABILITIES[capability]
    ids = [i for i, role in roles_of(user).items() if role in allowed]
    return Institute.objects.filter(pk__in=ids)


def can_change_record(user, record) -> bool:
    """May this user create or change this reference record (as it is now)?

    An institute that has staff here keeps its own record (its name, its accession-number
    pattern) and its people: only its curators and administrators change them. Taxa, crops and
    institutes nobody works at here (partners, donors) are shared by every institute: data
    stewards change them; any curator may add one (as an import or a new accession may). People
    of no such institute (a farmer who collected, a private donor) are kept by any curator.
    """
    if isinstance(record, Cooperator):
        if record.institute is not None and has_staff(record.institute):
            return can(user, MANAGE_REFERENCE, record.institute_id)
        return _keeps_records(user)
    if record.pk is None:
        return _keeps_records(user)
    if isinstance(record, Taxon | Crop):
        return can(user, MANAGE_SHARED_LISTS)
    if isinstance(record, Institute):
        if has_staff(record):
            return can(user, MANAGE_REFERENCE, record)
        return can(user, MANAGE_SHARED_LISTS)
    raise TypeError(f"not a reference record: {record!r}")


def _keeps_records(user) -> bool:
    """A curator or administrator somewhere, or a data steward."""
    return can(user, MANAGE_REFERENCE) or can(user, MANAGE_SHARED_LISTS)


def has_staff(institute: Institute) -> bool:
    """Does anyone work at this institute here (an active role there)?"""
    return institute.members.filter(is_active=True).exists()


def require_change_record(user, record) -> None:
    if not can_change_record(user, record):
        raise PermissionDenied(
            _(
                "This record is kept by the staff of another institute or by the data stewards: "
                "your role does not allow changing it."
            )
        )


def can_see_contact_details(user, cooperator: Cooperator) -> bool:
    """A person's email, phone and address: for the staff of their institute and for those who
    keep their record. Their name, roles and country are shared with every institute on purpose
    (accessions cite collectors and donors by name)."""
    if cooperator.institute_id is not None and can(user, VIEW, cooperator.institute_id):
        return True
    return can_change_record(user, cooperator)
