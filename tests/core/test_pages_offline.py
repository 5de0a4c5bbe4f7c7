"""Pages work without the internet: every stylesheet and script comes from genebank itself."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings

REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""")


class AssetCollector(HTMLParser):
    """Collects the addresses a browser would fetch for stylesheets, scripts and images."""

    def __init__(self):
        super().__init__()
        self.assets: list[str] = []
        self.html_lang: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.html_lang = attributes.get("lang")
        elif tag == "link" and attributes.get("href"):
            self.assets.append(attributes["href"])
        elif tag in ("script", "img") and attributes.get("src"):
            self.assets.append(attributes["src"])


def collect(html: str) -> AssetCollector:
    collector = AssetCollector()
    collector.feed(html)
    return collector


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_login_page_assets_are_local_and_served(db, client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/login/")
    assert response.status_code == 200
    page = collect(response.content.decode())
    assert page.html_lang == language

    stylesheets = [asset for asset in page.assets if asset.endswith(".css")]
    scripts = [asset for asset in page.assets if asset.endswith(".js")]
    assert stylesheets, "the login page links no stylesheet"
    assert scripts, "the login page loads no script"
    if language == "ar":
        assert any("rtl" in asset for asset in stylesheets), "Arabic pages need the RTL Bootstrap"

    for asset in page.assets:
        assert not REMOTE.match(asset), f"{asset} is fetched from another site"
        assert asset.startswith(settings.STATIC_URL), f"{asset} is not a static file"
        served = client.get(asset)
        assert served.status_code == 200, f"{asset} answers {served.status_code}"
        content = body(served)
        assert content, f"{asset} is empty"
        if asset.endswith(".css"):
            remote = [url for url in CSS_URL.findall(content.decode()) if REMOTE.match(url)]
            assert not remote, f"{asset} pulls {remote} from another site"


def test_a_missing_static_file_is_not_found(db, client):
    # The check above means something only if a wrong address does fail.
    assert client.get(settings.STATIC_URL + "bootstrap/css/no-such-file.css").status_code == 404


def test_anonymous_visitors_reach_static_files_but_not_pages(db, client):
    assert client.get("/").status_code == 302
    assert client.get(settings.STATIC_URL + "genebank/genebank.css").status_code == 200
