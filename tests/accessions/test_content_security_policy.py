"""Pages carry a Content-Security-Policy, and nothing in them needs what the policy forbids.

The policy allows scripts and styles from genebank's own static files only. A stored value that
slips into a page as HTML then cannot run; the price is that templates must not rely on inline
<script> blocks, on*= handlers or style= attributes, which the browser would refuse. The pages
below are rendered with data in them (a map, a stocktake, an import) and scanned for those; the
template sources are scanned too, for the pages not rendered here.
"""

import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

import genebank
from genebank.accessions import services
from genebank.accessions.models import CollectingMission
from genebank.core.models import Country
from genebank.inventory import services as inventory
from genebank.inventory.models import StorageLocation

XSS_SITE = '<img src=x onerror="window.__xss=1">'
# Types a browser does not run: JSON data blocks (json_script) are data, not code.
DATA_TYPES = {"application/json", "application/ld+json"}


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


class InlineCode(HTMLParser):
    """Collects what a strict policy would block: inline scripts, on*= and style= attributes."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False
        self._script_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, _value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}=...>")
        for name in ("href", "src", "action", "formaction"):
            if (attributes.get(name) or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...>")
        if tag == "script" and not attributes.get("src"):
            kind = (attributes.get("type") or "").strip().lower()
            self._in_script = kind not in DATA_TYPES
            self._script_text = []
        elif tag == "style":
            self.found.append("<style>")

    def handle_data(self, data):
        if self._in_script:
            self._script_text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script:
            self.found.append("<script>" + "".join(self._script_text).strip()[:60])
            self._in_script = False


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_the_scanner_finds_what_the_policy_would_block():
    # The page tests below mean something only if this finds each kind.
    html = (
        '<p style="color:red">x</p><a href="javascript:alert(1)">y</a><button onclick="f()">'
        "<script>alert(1)</script><style>p{}</style>"
        '<script type="application/json" id="d">{"a": 1}</script><script src="/s.js"></script>'
    )
    assert len(inline_code(html)) == 5


@pytest.fixture
def collection(genebank, curator, technician):
    """An accession with a hostile collecting site on a mission, a room with a lot, a stocktake."""
    mission = CollectingMission.objects.create(
        code="JOR-M001", institute=genebank, country=Country.objects.get(pk="JOR")
    )
    outcome = services.register_accession(
        services.PassportData(
            institute=genebank,
            number="JO-000001",
            genus="Cicer",
            species="arietinum",
            names=["Baladi"],
            origin_country=Country.objects.get(pk="JOR"),
            mission=mission,
            collector_number="NARC-1",
            site=XSS_SITE,
            latitude=Decimal("32.0"),
            longitude=Decimal("35.9"),
        ),
        user=curator,
    )
    site = inventory.create_location(
        institute=genebank, name="HQ", code="HQ", kind=StorageLocation.Kind.SITE, user=curator
    )
    room = inventory.create_location(
        institute=genebank, name="Cold room", code="CR1", kind=StorageLocation.Kind.ROOM,
        user=curator, parent=site, storage_kind="base",
    )  # fmt: skip
    lot = inventory.receive(outcome.accession, 200, "seeds", "base", technician, location=room)
    stocktake = inventory.start_stocktake(room, technician)
    return outcome.accession, mission, lot, room, stocktake


def pages(accession, mission, lot, room, stocktake):
    return [
        reverse("home"),
        reverse("accessions:list"),
        reverse("accessions:create"),
        reverse("accessions:detail", args=[accession.pk]),
        reverse("accessions:edit", args=[accession.pk]),
        reverse("accessions:deaccession", args=[accession.pk]),
        reverse("accessions:history", args=[accession.pk]),
        reverse("accessions:mission_list"),
        reverse("accessions:mission_detail", args=[mission.pk]),
        reverse("accessions:mission_edit", args=[mission.pk]),
        reverse("inventory:lot_list"),
        reverse("inventory:lot_detail", args=[lot.pk]),
        reverse("inventory:location_list"),
        reverse("inventory:location_detail", args=[room.pk]),
        reverse("inventory:stocktake_detail", args=[stocktake.pk]),
        reverse("inventory:processing"),
        reverse("inventory:alerts"),
        reverse("exchange:import_start"),
        reverse("exchange:pdci_summary"),
        reverse("reference_list", args=["institutes"]),
    ]


def test_pages_send_the_policy_and_hold_no_inline_code(client_for, curator, collection):
    client = client_for(curator)
    for url in pages(*collection):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = policy(response)
        assert directives.get("script-src") == ["'self'"], url
        assert directives.get("style-src") == ["'self'"], url
        assert directives.get("default-src") == ["'self'"], url
        assert directives.get("object-src") == ["'none'"], url
        assert directives.get("frame-ancestors") == ["'none'"], url
        assert directives.get("base-uri") == ["'self'"], url
        assert directives.get("form-action") == ["'self'"], url
        assert set(directives.get("img-src", [])) == {"'self'", "data:"}, url
        assert inline_code(response.content.decode()) == [], url


def test_the_hostile_site_reaches_the_map_only_as_data(client_for, curator, collection):
    accession, mission, *_rest = collection
    client = client_for(curator)
    for url in (
        reverse("accessions:detail", args=[accession.pk]),
        reverse("accessions:mission_detail", args=[mission.pk]),
    ):
        html = client.get(url).content.decode()
        assert XSS_SITE not in html, url  # escaped in the page, and in the JSON for the map
        assert "window.__xss=1" in html, url


def test_the_login_page_sends_the_policy(db, client):
    response = client.get(reverse("login"))
    assert policy(response).get("script-src") == ["'self'"]
    assert inline_code(response.content.decode()) == []


TEMPLATES = Path(genebank.__file__).resolve().parent
# Django template tags and variables, replaced before scanning the markup around them.
TEMPLATE_CODE = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.DOTALL)


@pytest.mark.parametrize(
    "path",
    sorted(TEMPLATES.rglob("templates/**/*.html")),
    ids=lambda p: str(p.relative_to(TEMPLATES)),
)
def test_no_template_holds_inline_code(path):
    markup = TEMPLATE_CODE.sub("x", path.read_text())
    assert inline_code(markup) == []
