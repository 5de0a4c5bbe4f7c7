"""What each role may do, per institute: one table every view, form and service consults."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from genebank.core.models import Institute, Membership, Role

VIEW = "view"
REGISTER = "register_accession"
EDIT = "edit_accession"
DEACCESSION = "deaccession"
MANAGE_MISSIONS = "manage_missions"
MANAGE_REFERENCE = "manage_reference"  # institutes, cooperators, taxa, crops
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
    MANAGE_USERS: {Role.ADMINISTRATOR},
    VIEW_SENSITIVE_LOCATION: {Role.CURATOR, Role.ADMINISTRATOR},
}


def roles_of(user) -> dict[int, str]:
    """institute id -> role for this user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, "_genebank_roles", None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("institute_id", "role"))
        user._genebank_roles = cached
    return cached


def can(user, capability: str, institute: Institute | int | None = None) -> bool:
    """May this user do this, at this institute (or at any institute when none is given)?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
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
    if getattr(user, "is_superuser", False):
        return Institute.objects.all()
    allowed = CAPABILITIES[capability]
    ids = [i for i, role in roles_of(user).items() if role in allowed]
    return Institute.objects.filter(pk__in=ids)
