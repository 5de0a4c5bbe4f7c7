"""Reference records, users and roles, and the error pages."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from genebank.core import permissions, services
from genebank.core.forms import (
    CONTACT_FIELDS,
    MemberForm,
    OwnPasswordForm,
    RoleForm,
    attach_errors,
)
from genebank.core.history import record_history
from genebank.core.models import Cooperator, Membership
from genebank.core.reference import KINDS


def _kind(kind: str):
    try:
        return KINDS[kind]
    except KeyError:
        raise Http404(kind) from None


def reference_list(request, kind):
    spec = _kind(kind)
    qs = spec.model.objects.select_related(*spec.related)
    q = request.GET.get("q", "").strip()
    if q:
        condition = Q()
        for name in spec.search:
            condition |= Q(**{f"{name}__icontains": q})
        qs = qs.filter(condition)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [(obj, [getattr(obj, attr) for attr, _label in spec.columns]) for obj in page]
    return render(
        request,
        "core/reference_list.html",
        {
            "spec": spec,
            "kind": kind,
            "page": page,
            "rows": rows,
            "q": q,
            "query_string": f"q={q}" if q else "",
            "can_add": permissions.can_change_record(request.user, spec.model()),
        },
    )


def reference_edit(request, kind, pk=None):
    spec = _kind(kind)
    instance = get_object_or_404(spec.model, pk=pk) if pk else spec.model()
    can_manage = permissions.can_change_record(request.user, instance)
    if request.method == "POST" or pk is None:
        permissions.require_change_record(request.user, instance)
    form = spec.form(request.POST or None, instance=instance)
    entries = record_history(instance) if pk else []
    if isinstance(instance, Cooperator) and not permissions.can_see_contact_details(
        request.user, instance
    ):
        hidden = {str(Cooperator._meta.get_field(name).verbose_name) for name in CONTACT_FIELDS}
        for name in CONTACT_FIELDS:
            del form.fields[name]
        for entry in entries:
            entry.changes = [c for c in entry.changes if c.field not in hidden]
    confirmation = None
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        m2m = {
            f.name: form.cleaned_data[f.name]
            for f in spec.model._meta.many_to_many
            if f.name in form.cleaned_data
        }
        try:
            services.save_reference_record(
                record,
                user=request.user,
                reason=form.cleaned_data.get("reason", ""),
                m2m=m2m,
                confirmed=bool(request.POST.get("confirm")),
            )
        except services.ConfirmationNeeded as exc:
            confirmation = exc.messages[0]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("reference_list", kind)
    return render(
        request,
        "core/reference_form.html",
        {
            "spec": spec,
            "kind": kind,
            "form": form,
            "instance": instance if pk else None,
            "can_manage": can_manage,
            "confirmation": confirmation,
            "entries": entries,
        },
    )


def member_list(request):
    institutes = permissions.institutes_where(request.user, permissions.MANAGE_USERS)
    if not institutes.exists():
        permissions.require(request.user, permissions.MANAGE_USERS, -1)
    members = (
        Membership.objects.filter(institute__in=institutes)
        .select_related("user", "institute")
        .order_by("institute__code", "user__username")
    )
    form = MemberForm(request.POST or None)
    institute = institutes.order_by("code").first()
    if request.method == "POST" and form.is_valid():
        chosen = institutes.filter(pk=request.POST.get("institute")).first() or institute
        try:
            services.add_member(chosen, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Account saved."))
            return redirect("member_list")
    return render(
        request, "core/members.html", {"members": members, "form": form, "institutes": institutes}
    )


def member_edit(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("user", "institute"), pk=pk)
    permissions.require(request.user, permissions.MANAGE_USERS, membership.institute)
    form = RoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST":
        try:
            if "deactivate" in request.POST or "activate" in request.POST:
                services.set_active(
                    membership, active="activate" in request.POST, user=request.user
                )
                messages.success(request, _("Role updated."))
                return redirect("member_list")
            if form.is_valid():
                services.change_role(membership, role=form.cleaned_data["role"], user=request.user)
                messages.success(request, _("Role changed."))
                return redirect("member_list")
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(
        request,
        "core/member_edit.html",
        {"membership": membership, "form": form, "entries": record_history(membership)},
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password: Django's page, our template, our service."""

    template_name = "core/password_change.html"
    form_class = OwnPasswordForm
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        user = self.request.user
        services.change_own_password(user, password=form.cleaned_data["new_password1"], user=user)
        # Keeps this session logged in; the account's other sessions end.
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.get_success_url())


def permission_denied(request, exception=None):
    message = (
        str(exception)
        if exception and str(exception)
        else _("You do not have permission to do this.")
    )
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", {"path": request.path}, status=404)
