"""factory-boy factories for the records most tests need."""

import factory
from django.contrib.auth import get_user_model

from genebank.accessions.models import Accession, AccessionName, CollectingEvent, CollectingMission
from genebank.core.models import Cooperator, Country, Crop, Institute, Membership, Role, Taxon


def country(iso3: str) -> Country:
    return Country.objects.get(iso3=iso3)


class InstituteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institute
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"JOR{n + 100:03d}")
    name = factory.Sequence(lambda n: f"Genebank {n}")
    acronym = factory.Sequence(lambda n: f"GB{n}")
    country = factory.LazyFunction(lambda: country("JOR"))
    is_holding = True
    accession_prefix = "JO-"
    accession_digits = 6


class CropFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Crop
        django_get_or_create = ("name",)

    name = "Wheat"


class TaxonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Taxon
        django_get_or_create = ("genus", "species", "subtaxa", "species_author", "subtaxa_author")

    genus = "Triticum"
    species = "durum"
    species_author = "Desf."
    subtaxa = ""
    subtaxa_author = ""
    crop = factory.SubFactory(CropFactory)


class CooperatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cooperator

    name = factory.Sequence(lambda n: f"Collector {n}")
    is_collector = True


class AccessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Accession

    institute = factory.SubFactory(InstituteFactory)
    sequence = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: o.institute.format_accession_number(o.sequence))
    taxon = factory.SubFactory(TaxonFactory)
    origin_country = factory.LazyFunction(lambda: country("JOR"))
    sample_status = 300
    acquisition_date = "19950600"


class AccessionNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessionName

    accession = factory.SubFactory(AccessionFactory)
    name = factory.Sequence(lambda n: f"Hourani {n}")


class CollectingMissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollectingMission

    code = factory.Sequence(lambda n: f"JOR-M{n:03d}")
    name = "Northern highlands"
    institute = factory.SubFactory(InstituteFactory)
    country = factory.LazyFunction(lambda: country("JOR"))


class CollectingEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollectingEvent

    accession = factory.SubFactory(AccessionFactory)
    collector_number = factory.Sequence(lambda n: f"AB{n:04d}")
    site = "5 km north of Irbid"
    latitude = "32.600000"
    longitude = "35.850000"
    date = "19950512"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def member(username: str, institute: Institute, role: str):
    user = UserFactory(username=username)
    Membership.objects.update_or_create(user=user, institute=institute, defaults={"role": role})
    return user


__all__ = ["Role"]
