"""Registries: how a higher app adds what it owns to a lower app's pages and values.

The apps form layers (docs/architecture.md): a lower app never imports a higher one. Where a
lower app's page or value needs something a higher app owns (the seed lots on the accession page,
STORAGE in an MCPD row, the inventory's alerts on the home page), the lower app defines a
`Registry` and reads it; the higher app fills it in its `AppConfig.ready()`, which runs before any
request or command. Django's admin site and NetBox's template extensions work the same way.

    # accessions/registries.py (the lower app defines the registry and documents its entries)
    mcpd_fields: Registry[DerivedMcpdField] = Registry("derived MCPD fields")

    # inventory/apps.py (a higher app fills it)
    def ready(self):
        mcpd_fields.register(DerivedMcpdField("STORAGE", storage_fields))

Panels (cards on a page) are the most common kind, and are shown by one template tag: a page
names its panel places, `{% registered_panels "accession" accession %}`, and a higher app adds to
them with `panels("accession").register(Panel(...))`, without either importing the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """An ordered list of entries that higher apps add in their AppConfig.ready().

    Entries come out in the order of their `order` attribute when they have one (lowest first),
    then in the order they were registered (INSTALLED_APPS order).
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: list[T] = []

    def register(self, entry: T) -> T:
        """Add an entry, once (a ready() that runs again adds nothing); returns it, so that a
        function can be registered as a decorator."""
        if entry not in self._entries:
            self._entries.append(entry)
            self._entries.sort(key=lambda e: getattr(e, "order", 0))  # stable: ties keep order
        return entry

    def unregister(self, entry: T) -> None:
        self._entries.remove(entry)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Registry {self.name}: {len(self._entries)} entries>"


def always(request, obj) -> Mapping[str, Any]:
    """A panel's context that adds nothing: shown to everyone who sees the page."""
    return {}


@dataclass(frozen=True)
class Panel:
    """A card, button or menu that a higher app puts on a lower app's page.

    `context(request, obj)` gives the values its template adds to the page's context (the
    template renders inside the page's context, as an {% include %} would), or None to leave the
    panel out (e.g. for a user who may not see it). It runs once per page: any query it makes
    must not grow with the data (no N+1).
    """

    name: str  # unique in its place; by convention the HTML id of what it renders
    template: str
    context: Callable[[Any, Any], Mapping[str, Any] | None] = always
    order: int = 100  # place among the panels of its place, lowest first


_panels: dict[str, Registry[Panel]] = {}


def panels(place: str) -> Registry[Panel]:
    """The panels of one place on a page ("accession", "home"); created on first use.

    The page's template shows them with {% registered_panels place obj %} (core.templatetags
    .registry); docs/architecture.md lists the places.
    """
    if place not in _panels:
        _panels[place] = Registry(f"{place} panels")
    return _panels[place]
