"""Django admin for core records, with their history (for system administrators): read-only.

Records change through the pages and their services (core.services, and each app's own), which
check them and keep who and why; the admin only shows them. ReadOnlyAdmin and
ReadOnlyHistoryAdmin are the base of every app's admin pages: no add, change or delete, and no
"revert" from the history either (simple_history's history form saves a POST whatever
has_change_permission says). The few records edited here (reserve levels, species constants)
use ServiceHistoryAdmin, which saves through their service.
"""

from collections.abc import Callable

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from genebank.core.models import Cooperator, Country, Crop, Institute, Membership, Taxon


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        raise PermissionDenied

    def delete_model(self, request, obj):
        raise PermissionDenied


class NoRevertHistoryAdmin(SimpleHistoryAdmin):
    """History pages that show old versions and never save one: a revert would save without the
    record's service."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True


class ReadOnlyHistoryAdmin(ReadOnlyAdmin, NoRevertHistoryAdmin):
    pass


class ServiceHistoryAdmin(NoRevertHistoryAdmin):
    """A record the admin may add and change, saved through its service (`service(record,
    user=, reason=)`, which checks and keeps who and why); never deleted, never reverted."""

    service: Callable[..., object]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        self.service(obj, user=request.user, reason=_("Edited in the admin"))


@admin.register(Institute)
class InstituteAdmin(ReadOnlyHistoryAdmin):
    list_display = ("code", "name", "acronym", "country", "is_holding")
    search_fields = ("code", "name", "acronym")
    list_filter = ("is_holding",)


@admin.register(Cooperator)
class CooperatorAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "institute", "is_collector", "is_donor", "is_breeder", "is_requester")
    search_fields = ("name", "email")


@admin.register(Crop)
class CropAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "name_fr", "name_ar")
    search_fields = ("name",)


@admin.register(Taxon)
class TaxonAdmin(ReadOnlyHistoryAdmin):
    list_display = ("genus", "species", "subtaxa", "species_author", "crop")
    search_fields = ("genus", "species")
    list_filter = ("crop",)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyHistoryAdmin):
    list_display = ("user", "institute", "role", "is_active")
    list_filter = ("role", "is_active", "institute")


@admin.register(Country)
class CountryAdmin(ReadOnlyAdmin):
    list_display = ("iso3", "iso2", "name")
    search_fields = ("iso3", "name")
