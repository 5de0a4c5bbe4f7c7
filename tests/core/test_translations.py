"""The French and Arabic catalogues are complete, keep their placeholders, and are what users see."""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import AccessionFactory

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
LANGUAGES = ["fr", "ar"]
NPLURALS = {"fr": 2, "ar": 6}
# A python-format directive: %(name)s, %(seconds).1f, %s, %d ... (%% is a literal percent sign).
DIRECTIVE = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*\d*(?:\.\d+)?(?P<type>[diouxXeEfFgGcrsa%])"
)


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    complete: bool = False  # its msgstr has been read: the next msgid starts a new entry

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)]


def parse_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """Read a .po file: its header fields and its entries (obsolete #~ entries are left out)."""
    entries: list[Entry] = []
    current: Entry | None = None
    keyword: str | None = None
    flags: set[str] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            assert current is not None and keyword is not None, f"{path}:{number}: stray string"
            _append(current, keyword, ast.literal_eval(line))
            continue
        keyword, _space, value = line.partition(" ")
        # An entry starts at its msgctxt, or at its msgid when it has no context.
        if keyword == "msgctxt" or (keyword == "msgid" and (current is None or current.complete)):
            current = Entry(line=number, flags=flags)
            entries.append(current)
            flags = set()
        if keyword.startswith("msgstr") and current is not None:
            current.complete = True
        assert current is not None, f"{path}:{number}: {keyword} before msgid"
        _append(current, keyword, ast.literal_eval(value))
    header_entry = entries.pop(0)
    assert header_entry.msgid == "", f"{path}: the first entry is not the header"
    header = dict(item.split(": ", 1) for item in header_entry.msgstr.splitlines() if ": " in item)
    header["#flags"] = ",".join(sorted(header_entry.flags))
    return header, entries


def _append(entry: Entry, keyword: str, text: str) -> None:
    plural = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
    if plural:
        index = int(plural.group(1))
        entry.msgstr_plural[index] = entry.msgstr_plural.get(index, "") + text
    elif keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
        setattr(entry, keyword, (getattr(entry, keyword) or "") + text)
    else:
        raise AssertionError(f"unknown .po keyword {keyword!r}")


def directives(text: str) -> tuple[set[str], list[str]]:
    """Named placeholders as a set (a translation may reorder them), positional ones in order."""
    named: set[str] = set()
    positional: list[str] = []
    for match in DIRECTIVE.finditer(text):
        if match.group("type") == "%":
            continue
        if match.group("name") is not None:
            named.add(match.group(0))
        else:
            positional.append(match.group(0))
    return named, positional


def catalogue(language: str) -> tuple[dict[str, str], list[Entry]]:
    return parse_po(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")


def describe(entry: Entry) -> str:
    return f"line {entry.line}: {entry.msgid[:70]!r}"


# ---------------------------------------------------------------------------------------------
# The catalogues themselves


def test_the_parser_reads_contexts_plurals_flags_and_continuations(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        '#: a.py:1\n#, python-format\nmsgid "Lot %(lot)s "\n"is \\"full\\"."\n'
        'msgstr ""\n"Le lot %(lot)s est « plein »."\n\n'
        'msgctxt "storage"\nmsgid "Position"\nmsgstr "Position"\n\n'
        'msgid "%(n)s lot"\nmsgid_plural "%(n)s lots"\nmsgstr[0] "%(n)s lot"\nmsgstr[1] ""\n\n'
        '#~ msgid "Old"\n#~ msgstr "Ancien"\n',
        encoding="utf-8",
    )
    header, entries = parse_po(po)
    assert header["Language"] == "fr"
    assert [e.msgid for e in entries] == ['Lot %(lot)s is "full".', "Position", "%(n)s lot"]
    assert entries[0].flags == {"python-format"}
    assert entries[0].msgstr == "Le lot %(lot)s est « plein »."
    assert entries[1].msgctxt == "storage"
    assert entries[2].msgid_plural == "%(n)s lots"
    assert entries[2].translations == ["%(n)s lot", ""]
    assert directives("%(a)s and %(seconds).1f, %s and 100%% %d") == (
        {"%(a)s", "%(seconds).1f"},
        ["%s", "%d"],
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_header_names_the_language_and_its_plural_forms(language):
    header, _entries = catalogue(language)
    assert header["Language"] == language
    assert f"nplurals={NPLURALS[language]};" in header["Plural-Forms"]
    assert "charset=UTF-8" in header["Content-Type"]
    assert "fuzzy" not in header["#flags"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    _header, entries = catalogue(language)
    assert len(entries) > 500, "the catalogue looks truncated: run make messages"
    fuzzy = [describe(e) for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, f"{language}: fuzzy entries left: {fuzzy}"
    empty = [describe(e) for e in entries if not all(s.strip() for s in e.translations)]
    assert not empty, f"{language}: untranslated entries: {empty}"
    wrong_forms = [
        describe(e)
        for e in entries
        if e.msgid_plural is not None and sorted(e.msgstr_plural) != list(range(NPLURALS[language]))
    ]
    assert not wrong_forms, f"{language}: plural entries without {NPLURALS[language]} forms"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_kept(language):
    _header, entries = catalogue(language)
    checked = 0
    problems = []
    for entry in entries:
        if "python-format" not in entry.flags:
            continue
        checked += 1
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid_plural]
        expected = directives(sources[0])
        for text in entry.translations:
            if directives(text) != expected:
                problems.append(f"{describe(entry)} -> {text!r}")
    assert checked > 100
    assert not problems, f"{language}: placeholders changed:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_po_file(language):
    """The committed .mo is what Django reads: it must say what the .po says (compilemessages)."""
    _header, entries = catalogue(language)
    stale = []
    with translation.override(language):
        for entry in entries:
            if entry.msgctxt is not None:
                got = [translation.pgettext(entry.msgctxt, entry.msgid)]
            elif entry.msgid_plural is None:
                got = [translation.gettext(entry.msgid)]
            else:
                # 1 and 5 pick different forms in both languages.
                got = [translation.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 5)]
            if not all(text in entry.translations for text in got):
                stale.append(describe(entry))
    assert not stale, f"{language}: django.mo is out of date, run make messages: {stale[:10]}"


@pytest.mark.parametrize(
    ("language", "edit", "brand"), [("fr", "Modifier", "genebank"), ("ar", "تعديل", "genebank")]
)
def test_agreed_words(language, edit, brand):
    with translation.override(language):
        assert translation.gettext("Edit") == edit
        assert translation.gettext("genebank") == brand


def test_arabic_plural_forms_follow_the_number():
    with translation.override("ar"):
        forms = {
            n: translation.ngettext("%(counter)s accession", "%(counter)s accessions", n)
            % {"counter": n}
            for n in (0, 1, 2, 3, 11, 100)
        }
    assert forms == {
        0: "0 مدخل",
        1: "1 مدخل",
        2: "2 مدخلان",
        3: "3 مدخلات",
        11: "11 مدخلًا",
        100: "100 مدخل",
    }
    with translation.override("fr"):
        assert (
            translation.ngettext("%(counter)s accession", "%(counter)s accessions", 1)
            % {"counter": 1}
            == "1 accession"
        )


# ---------------------------------------------------------------------------------------------
# What users see


def test_login_page_in_french(db, client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="fr"' in html and 'dir="ltr"' in html
    assert "Se connecter à genebank" in html
    assert "Mot de passe" in html
    assert "bootstrap.rtl.min.css" not in html


def test_login_page_in_arabic(db, client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="ar")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert "bootstrap.rtl.min.css" in html
    assert "تسجيل الدخول إلى genebank" in html
    assert "كلمة المرور" in html


def test_accession_list_in_french_for_a_viewer(client_for, viewer, genebank):
    AccessionFactory.create_batch(3, institute=genebank)
    c = client_for(viewer)
    response = c.get(reverse("accessions:list"), HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="fr"' in html
    assert "3 accessions" in html
    assert "Exporter en MCPD" in html and "Classeur Excel (ces accessions)" in html
    assert "Pays d&#x27;origine" in html or "Pays d'origine" in html
    assert "Se déconnecter" in html
    # A viewer may not register: the button is absent in French too.
    assert "Enregistrer une accession" not in html


def test_accession_list_in_arabic_for_a_viewer(client_for, viewer, genebank):
    AccessionFactory.create_batch(3, institute=genebank)
    c = client_for(viewer)
    response = c.get(reverse("accessions:list"), HTTP_ACCEPT_LANGUAGE="ar")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert "bootstrap.rtl.min.css" in html
    assert "3 مدخلات" in html
    assert "بلد المنشأ" in html
    assert "تصدير بصيغة MCPD" in html


def test_the_language_cookie_wins_over_the_browser(client_for, viewer):
    c = client_for(viewer)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    html = c.get(reverse("accessions:list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'lang="ar"' in html and "تصفية" in html


def passport(genebank, **overrides):
    data = {
        "institute": genebank.pk,
        "number": "JO-000001",
        "genus": "Lens",
        "species": "culinaris",
        "origin_country": "JOR",
        "sample_status": "300",
        "acquisition_date": "20240301",
        "acquisition_kind": "donation",
        "quarantine_status": "not_required",
        "datum": "WGS84",
    }
    return data | overrides


def test_form_validation_messages_come_back_in_french(client_for, technician, genebank):
    c = client_for(technician)
    data = passport(genebank, genus="", acquisition_date="19841315")
    response = c.post(reverse("accessions:create"), data, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Ce champ est obligatoire." in errors["genus"]  # Django's own catalogue
    assert errors["acquisition_date"] == [
        "Le mois 13 n'existe pas : attendu 01 à 12, ou -- s'il est inconnu."
    ]
    html = response.content.decode()
    assert 'lang="fr"' in html
    assert "Veuillez corriger les champs signalés ci-dessous ; rien n" in html
    assert "Ce champ est obligatoire." in html


def test_form_validation_messages_come_back_in_arabic(client_for, technician, genebank):
    c = client_for(technician)
    data = passport(genebank, genus="", acquisition_date="19841315")
    response = c.post(reverse("accessions:create"), data, HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "هذا الحقل مطلوب." in errors["genus"]
    assert errors["acquisition_date"] == [
        "لا يوجد شهر 13: المتوقع من 01 إلى 12، أو -- إذا كان مجهولًا."
    ]
    assert "الجنس" in response.content.decode()


def test_passport_check_messages_are_translated(client_for, technician, genebank):
    """Messages of genebank's own passport checks, not only Django's, come back in French."""
    c = client_for(technician)
    data = passport(genebank, genus="lens1")
    response = c.post(reverse("accessions:create"), data, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert response.context["form"].errors["genus"] == [
        "Un genre est un seul mot latin avec une majuscule initiale"
        " (p. ex. Triticum, ×Triticosecale)."
    ]
