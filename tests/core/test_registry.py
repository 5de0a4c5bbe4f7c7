"""Registries (core.registry): entries in order, panels rendered in the page's context."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings

from genebank.core.registry import Panel, Registry, panels

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {
                        "page.html": '{% load registry %}[{% registered_panels "test" obj %}]',
                        "first.html": "<first {{ value }} {{ page_value }} {{ obj }}>",
                        "second.html": "<second {{ value }}>",
                    },
                )
            ]
        },
    }
]


@pytest.fixture
def place():
    registry = panels("test")
    yield registry
    for panel in list(registry):
        registry.unregister(panel)


def test_entries_come_in_their_order_then_as_registered():
    registry = Registry("numbers")
    late = registry.register(Panel("late", "x.html", order=20))
    early = registry.register(Panel("early", "x.html", order=10))
    tie = registry.register(Panel("tie", "x.html", order=20))

    def plain(request, obj):
        return {}

    assert registry.register(plain) is plain  # usable as a decorator
    assert [p for p in registry if p is not plain] == [early, late, tie]
    registry.register(Panel("early", "x.html", order=10))  # a ready() run again
    registry.register(plain)
    assert len(registry) == 4
    registry.unregister(late)
    assert len(registry) == 3


def test_the_same_place_is_the_same_registry():
    assert panels("test") is panels("test")
    assert panels("test") is not panels("test.side")


@override_settings(TEMPLATES=TEMPLATES)
def test_panels_render_in_order_inside_the_page_context(place):
    place.register(Panel("second", "second.html", lambda request, obj: {"value": 2}, order=20))
    place.register(Panel("first", "first.html", lambda request, obj: {"value": obj}, order=10))
    place.register(Panel("hidden", "second.html", lambda request, obj: None))
    request = RequestFactory().get("/")
    html = render_to_string("page.html", {"obj": 1, "page_value": "p"}, request=request)
    assert html == "[<first 1 p 1><second 2>]"


@override_settings(TEMPLATES=TEMPLATES)
def test_a_place_without_panels_renders_nothing(place):
    assert render_to_string("page.html", {"obj": 1}) == "[]"
