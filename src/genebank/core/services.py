"""Core services: reference records (institutes, cooperators, crops, taxa) and users with roles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

from genebank.core import permissions
from genebank.core.models import Crop, Institute, Membership, Role, Taxon
from genebank.core.security import security_log

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


def mark_change(
    instance: models.Model, user: AbstractBaseUser | AnonymousUser | None, reason: str | None
) -> None:
    """Tell the history who makes the next save or delete of this record, and why (None: no
    reason, as when none is marked)."""
    # simple-history reads these two attributes from the instance; no model declares them.
    record: Any = instance
    record._history_user = user if getattr(user, "is_authenticated", False) else None
    record._change_reason = reason


def bulk_audited_create(
    model: type[models.Model],
    objs,
    user,
    reason: str,
    *,
    m2m: dict[str, list[list]] | None = None,
    history_dates: list | None = None,
    batch_size: int = 500,
) -> list:
    """Insert many new records of one model, each with one creation history row (user, reason).

    The write half of a service's bulk path: the service has checked the records first, as its
    one-record path does. m2m maps a many-to-many field name to the related records of each
    object, in the order of objs; the links go in with the objects and are recorded in their
    creation history rows, as simple_history records them on a save (`.set()` per object costs a
    dozen queries and a second history row). history_dates, when given, dates each creation row
    (records entered after the fact: a lot received years ago).
    """
    objs = list(objs)
    if not objs:
        return objs
    for i, obj in enumerate(objs):
        mark_change(obj, user, reason)
        if history_dates is not None:
            obj._history_date = history_dates[i]  # type: ignore[attr-defined]
    user = user if getattr(user, "is_authenticated", False) else None
    if not m2m:
        return bulk_create_with_history(
            objs, model, batch_size=batch_size, default_user=user, default_change_reason=reason
        )
    created = model._default_manager.bulk_create(objs, batch_size=batch_size)
    links = {}
    for field_name, related in m2m.items():
        field: Any = model._meta.get_field(field_name)
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        rows = [
            through(**{source: obj, target: other})
            for obj, others in zip(created, related, strict=True)
            for other in others
        ]
        links[field_name] = (through, source, through.objects.bulk_create(rows, batch_size=500))
    manager: Any = get_history_manager_for_model(model)
    history_model = manager.model
    histories = manager.bulk_history_create(
        created, batch_size=batch_size, default_user=user, default_change_reason=reason
    )
    pk_name = model._meta.pk.attname
    history_of = {getattr(h, pk_name): h for h in histories}
    for field_name, (through, source, rows) in links.items():
        # simple_history names the model that keeps m2m snapshots Historical<Model>_<field>.
        m2m_history_model = next(
            rel.related_model
            for rel in history_model._meta.related_objects
            if rel.related_model._meta.object_name
            == f"{history_model._meta.object_name}_{field_name}"
        )
        names = [f.name for f in through._meta.fields]
        m2m_history_model.objects.bulk_create(
            [
                m2m_history_model(
                    history=history_of[getattr(row, f"{source}_id")],
                    **{name: getattr(row, name) for name in names},
                )
                for row in rows
            ],
            batch_size=batch_size,
        )
    return created


def audited_save(
    instance: models.Model,
    user: AbstractBaseUser | AnonymousUser | None,
    reason: str,
    *,
    validate_unique: bool = True,
) -> None:
    """Validate and save a record, keeping who and why in its history."""
    mark_change(instance, user, reason)
    instance.full_clean(validate_unique=validate_unique, validate_constraints=validate_unique)
    instance.save()


class ConfirmationNeeded(ValidationError):
    """A change to a shared list that touches other records: the user must confirm it first."""

    def __init__(self, accessions: int, institutes: int):
        self.accessions, self.institutes = accessions, institutes
        super().__init__(
            ngettext(
                "This change affects %(accessions)d accession",
                "This change affects %(accessions)d accessions",
                accessions,
            )
            % {"accessions": accessions}
            + " "
            + ngettext("at %(institutes)d institute.", "at %(institutes)d institutes.", institutes)
            % {"institutes": institutes},
            code="confirm",
        )


def shared_list_impact(record: Taxon | Crop) -> tuple[int, int]:
    """(accessions, institutes) that a change to this taxon or crop changes."""
    # Reverse relations named as strings: core imports no app above it.
    path = "accessions" if isinstance(record, Taxon) else "taxon__accessions"
    used = type(record).objects.filter(pk=record.pk)
    counts = used.aggregate(
        n_accessions=Count(path), n_institutes=Count(f"{path}__institute", distinct=True)
    )
    return counts["n_accessions"], counts["n_institutes"]


def _changed(stored, instance) -> bool:
    return any(
        getattr(stored, f.attname) != getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
    )


def save_reference_record(
    instance, *, user, reason: str = "", m2m: dict | None = None, confirmed: bool = False
):
    """Create or change an institute, cooperator, crop or taxon.

    A change to a taxon or crop that accessions use raises ConfirmationNeeded unless `confirmed`:
    one click should not rename the species of thousands of accessions unseen.
    """
    with transaction.atomic():
        stored = type(instance).objects.filter(pk=instance.pk).first() if instance.pk else None
        # As stored (whose record it is) and as changed (a person moved to another institute).
        for record in (stored, instance):
            if record is not None:
                permissions.require_change_record(user, record)
        if stored is not None and isinstance(instance, Taxon | Crop) and _changed(stored, instance):
            accessions, institutes = shared_list_impact(stored)
            if accessions and not confirmed:
                raise ConfirmationNeeded(accessions, institutes)
        audited_save(instance, user, reason or (_("Edited") if instance.pk else _("Created")))
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
    return instance


def _refuse_system_administrator(account, user) -> None:
    """Institute administrators manage roles at their institute, never the accounts of the
    system's administrators (superusers)."""
    if account.is_superuser and not user.is_superuser:
        raise PermissionDenied(
            _("%(user)s is a system administrator: only another system administrator manages it.")
            % {"user": account.username}
        )


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
    reason: str = "",
):
    """Give a person an account and a role at this institute (or a role to an existing account).

    An existing account may hold roles at other institutes: it gets a role here and nothing
    else. Its password, name and email belong to its owner, never to this institute's
    administrators.
    """
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
            _validate_password(password, account)
            account.set_password(password)
            account.full_clean()
            account.save()
        else:
            if account.is_superuser and not user.is_superuser:
                raise ValidationError(
                    {
                        "username": _(
                            "%(user)s is a system administrator's account: it cannot be given "
                            "a role by an institute administrator."
                        )
                        % {"user": username}
                    }
                )
            if password or first_name or last_name or email:
                raise ValidationError(
                    {
                        "username": _(
                            "%(user)s already has an account. To give it a role here, leave the "
                            "name, email and password empty: only its owner changes those."
                        )
                        % {"user": username}
                    }
                )
        membership = Membership.objects.filter(user=account, institute=institute).first()
        if membership is not None:
            raise ValidationError(
                {"username": _("%(user)s already has a role here.") % {"user": username}}
            )
        membership = Membership(user=account, institute=institute, role=role)
        audited_save(membership, user, reason or _("Role given"))
    security_log.info(
        "role given: %s gave %s the role %s at %s", user.username, username, role, institute.code
    )
    return membership


def add_members(
    institute: Institute,
    people,
    *,
    password: str,
    user,
    reason: str = "",
) -> list[tuple[Membership, bool]]:
    """Give several people a role at this institute at once: the bulk path of add_member.

    people: (username, role, first name, last name, email) each. A new account gets `password`
    (checked, and hashed once for all: hashing is slow on purpose); an existing one keeps its
    password, name and email, as with add_member. Each role is checked as add_member checks it;
    any refusal raises before anything is written. Returns (membership, account created) each.
    """
    permissions.require(user, permissions.MANAGE_USERS, institute)
    User = get_user_model()
    people = list(people)
    names = [p[0] for p in people]
    accounts = {a.username: a for a in User.objects.filter(username__in=names)}
    held = set(
        Membership.objects.filter(institute=institute, user__username__in=names).values_list(
            "user__username", flat=True
        )
    )
    for username, role, *_rest in people:
        if role not in Role.values:
            raise ValidationError({"role": _("Unknown role.")})
        account = accounts.get(username)
        if account is not None and account.is_superuser and not user.is_superuser:
            raise ValidationError(
                {
                    "username": _(
                        "%(user)s is a system administrator's account: it cannot be given "
                        "a role by an institute administrator."
                    )
                    % {"user": username}
                }
            )
        if username in held:
            raise ValidationError(
                {"username": _("%(user)s already has a role here.") % {"user": username}}
            )
    hashed = None
    result = []
    with transaction.atomic():
        for username, role, first_name, last_name, email in people:
            account = accounts.get(username)
            created = account is None
            if account is None:
                account = User(
                    username=username, first_name=first_name, last_name=last_name, email=email
                )
                if hashed is None:
                    _validate_password(password, account)
                    account.set_password(password)
                    hashed = account.password
                account.password = hashed
                account.full_clean()
                account.save()
            membership = Membership(user=account, institute=institute, role=role)
            audited_save(membership, user, reason or _("Role given"))
            security_log.info(
                "role given: %s gave %s the role %s at %s",
                user.username,
                username,
                role,
                institute.code,
            )
            result.append((membership, created))
    return result


def change_role(membership: Membership, *, role: str, user, reason: str = "") -> Membership:
    permissions.require(user, permissions.MANAGE_USERS, membership.institute)
    _refuse_system_administrator(membership.user, user)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if membership.user_id == user.pk and role != Role.ADMINISTRATOR:
        raise ValidationError({"role": _("You cannot take away your own administrator role.")})
    old = membership.role
    membership.role = role
    audited_save(membership, user, reason or _("Role changed"))
    security_log.info(
        "role changed: %s changed %s at %s from %s to %s",
        user.username,
        membership.user.username,
        membership.institute.code,
        old,
        role,
    )
    return membership


def set_active(membership: Membership, *, active: bool, user) -> None:
    """Switch a person's role at this institute off (never deleted: its history stays) or back
    on. The account itself, and its roles at other institutes, stay as they are."""
    permissions.require(user, permissions.MANAGE_USERS, membership.institute)
    _refuse_system_administrator(membership.user, user)
    if membership.user_id == user.pk and not active:
        raise ValidationError(_("You cannot switch off your own role."))
    membership.is_active = active
    audited_save(membership, user, _("Role switched on") if active else _("Role switched off"))
    security_log.info(
        "role switched %s: %s switched %s's role at %s %s",
        "on" if active else "off",
        user.username,
        membership.user.username,
        membership.institute.code,
        "on" if active else "off",
    )


def change_own_password(account, *, password: str, user) -> None:
    """Set a new password for one's own account (the old one checked by the form)."""
    if account.pk != user.pk:
        raise PermissionDenied(_("You can change only your own password."))
    _validate_password(password, account)
    account.set_password(password)
    account.save(update_fields=["password"])
    security_log.info("password changed: %s", account.username)


def _validate_password(password: str, account) -> None:
    """AUTH_PASSWORD_VALIDATORS, for every password set here."""
    try:
        password_validation.validate_password(password, account)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
