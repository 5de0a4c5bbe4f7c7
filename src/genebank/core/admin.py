"""Django admin for core records, with their history (for system administrators)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from genebank.core.models import Cooperator, Country, Crop, Institute, Membership, Taxon


@admin.register(Institute)
class InstituteAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "acronym", "country", "is_holding")
    search_fields = ("code", "name", "acronym")
    list_filter = ("is_holding",)


@admin.register(Cooperator)
class CooperatorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "institute", "is_collector", "is_donor", "is_breeder", "is_requester")
    search_fields = ("name", "email")


@admin.register(Crop)
class CropAdmin(SimpleHistoryAdmin):
    list_display = ("name", "name_fr", "name_ar")
    search_fields = ("name",)


@admin.register(Taxon)
class TaxonAdmin(SimpleHistoryAdmin):
    list_display = ("genus", "species", "subtaxa", "species_author", "crop")
    search_fields = ("genus", "species")
    list_filter = ("crop",)


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "institute", "role", "is_active")
    list_filter = ("role", "is_active", "institute")


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("iso3", "iso2", "name")
    search_fields = ("iso3", "name")
