"""Core services: reference records (institutes, cooperators, crops, taxa) and users with roles."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from genebank.core import permissions
from genebank.core.models import Institute, Membership, Role


def mark_change(instance, user, reason: str) -> None:
    """Tell the history who makes the next save or delete of this record, and why."""
    instance._history_user = user if getattr(user, "is_authenticated", False) else None
    instance._change_reason = reason


def audited_save(instance, user, reason: str, *, validate_unique: bool = True) -> None:
    """Validate and save a record, keeping who and why in its history."""
    mark_change(instance, user, reason)
    instance.full_clean(validate_unique=validate_unique, validate_constraints=validate_unique)
    instance.save()


def save_reference_record(instance, *, user, reason: str = "", m2m: dict | None = None):
    """Create or change an institute, cooperator, crop or taxon."""
    permissions.require(user, permissions.MANAGE_REFERENCE)
    with transaction.atomic():
        audited_save(instance, user, reason or (_("Edited") if instance.pk else _("Created")))
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
    return instance


def add_member(
    institute: Institute,
    *,
    username: str,
    role: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    user,
):
    """Give a person an account and a role at this institute (or a role to an existing account)."""
    permissions.require(user, permissions.MANAGE_USERS, institute)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    User = get_user_model()
    with transaction.atomic():
        account = User.objects.filter(username=username).first()
        if account is None:
            if not password:
                raise ValidationError({"password": _("A new account needs a password.")})
            account = User(
                username=username, first_name=first_name, last_name=last_name, email=email
            )
            account.set_password(password)
            account.full_clean()
            account.save()
        membership = Membership.objects.filter(user=account, institute=institute).first()
        if membership is not None:
            raise ValidationError(
                {"username": _("%(user)s already has a role here.") % {"user": username}}
            )
        membership = Membership(user=account, institute=institute, role=role)
        audited_save(membership, user, _("Role given"))
    return membership


def change_role(membership: Membership, *, role: str, user, reason: str = "") -> Membership:
    permissions.require(user, permissions.MANAGE_USERS, membership.institute)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if membership.user_id == user.pk and role != Role.ADMINISTRATOR:
        raise ValidationError({"role": _("You cannot take away your own administrator role.")})
    membership.role = role
    audited_save(membership, user, reason or _("Role changed"))
    return membership


def set_active(membership: Membership, *, active: bool, user) -> None:
    """Switch an account off (never deleted: its history stays attributed) or back on."""
    permissions.require(user, permissions.MANAGE_USERS, membership.institute)
    if membership.user_id == user.pk and not active:
        raise ValidationError(_("You cannot switch off your own account."))
    account = membership.user
    account.is_active = active
    account.save(update_fields=["is_active"])
