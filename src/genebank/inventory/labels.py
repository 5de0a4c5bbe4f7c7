"""PDF labels for seed lots, their containers and storage locations: QR code, Code 128, text.

Each label carries the code a hand scanner reads back (the lot number or the location code) twice,
as a QR code and as a Code 128 barcode, and a few lines of text in the chosen language. Arabic is
shaped (arabic-reshaper gives each letter its joined form) and put in visual right-to-left order
(python-bidi) because a PDF draws glyphs one after the other, left to right, as it is told.

The font comes from a Python package (Noto Sans Arabic, which also has Latin letters), so labels
need nothing outside the virtualenv; Debian's DejaVu Sans is the fallback.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import arabic_reshaper
import segno
from bidi import get_display
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from genebank.inventory.models import SeedLot, StorageLocation

FONT_NAME = "GenebankLabel"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
# A print of more labels than settings.LABEL_JOB_LABELS is drawn by a worker, as a job whose
# result is the PDF (queue_label_job); one larger than this is refused: nobody prints it at once.
MAX_LABELS = 20_000
MAX_COPIES = 50
# How often a label job tells how far it got, in labels.
PROGRESS_EVERY = 50


@dataclass(frozen=True)
class LabelSize:
    """A label stock: its label size, and for sheets the page and the grid of labels on it."""

    key: str
    name: str
    width: float  # mm
    height: float  # mm
    columns: int = 1
    rows: int = 1
    page: tuple[float, float] | None = None  # points; None: one label per page (label printers)
    margin_left: float = 0  # mm, sheets only
    margin_top: float = 0
    gap_x: float = 0
    gap_y: float = 0

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def page_size(self) -> tuple[float, float]:
        return self.page or (self.width * mm, self.height * mm)

    def origin(self, index: int) -> tuple[float, float]:
        """Lower-left corner (points) of the index-th label of a page."""
        if self.page is None:
            return 0.0, 0.0
        column, row = index % self.columns, index // self.columns
        x = (self.margin_left + column * (self.width + self.gap_x)) * mm
        top = (self.margin_top + row * (self.height + self.gap_y) + self.height) * mm
        return x, self.page[1] - top


LABEL_SIZES = {
    size.key: size
    for size in [
        # Sheets of 24 labels (70 × 37 mm, 3 × 8, no margins left and right), e.g. Avery 3474.
        LabelSize(
            "a4-70x37",
            gettext_lazy("A4 sheet, 3 × 8 labels of 70 × 37 mm"),
            70,
            37,
            3,
            8,
            A4,
            margin_left=0,
            margin_top=0.5,
        ),  # fmt: skip
        # Sheets of 14 labels (99.1 × 38.1 mm, 2 × 7), e.g. Avery L7163.
        LabelSize(
            "a4-99x38",
            gettext_lazy("A4 sheet, 2 × 7 labels of 99.1 × 38.1 mm"),
            99.1,
            38.1,
            2,
            7,
            A4,
            margin_left=4.65,
            margin_top=15.15,
            gap_x=2.5,
        ),  # fmt: skip
        # Label printer rolls: Brother DK-11209 (62 × 29 mm) and the common 4 × 2 inch roll.
        LabelSize("62x29", gettext_lazy("Label printer, 62 × 29 mm"), 62, 29),
        LabelSize("102x51", gettext_lazy("Label printer, 102 × 51 mm (4 × 2 in)"), 102, 51),
    ]
}
DEFAULT_SIZE = "a4-70x37"


@dataclass
class Label:
    """What one label shows: the code (QR and barcode), a heading and a few lines of text."""

    code: str
    heading: str
    lines: list[str] = field(default_factory=list)


# --- what goes on a label ----------------------------------------------------------------------


def lot_labels(lot: SeedLot, copies: int = 1) -> list[Label]:
    """Labels of a lot in the active language; with copies > 1, one per container ("2 of 3")."""
    accession = lot.accession
    taxon = accession.taxon
    crop = taxon.crop if taxon is not None else None
    lines = [
        _("Accession %(number)s") % {"number": accession.number},
        " · ".join(part for part in [taxon.name if taxon else "", str(crop or "")] if part),
        " · ".join(
            part
            for part in [
                lot.get_collection_display(),
                _("harvest %(year)s") % {"year": lot.harvest_year} if lot.harvest_year else "",
            ]
            if part
        ),
    ]
    if lot.container:
        lines.append(lot.get_container_display())
    copies = max(1, min(int(copies), MAX_COPIES))
    labels = []
    for number in range(1, copies + 1):
        extra = (
            [_("Container %(number)s of %(total)s") % {"number": number, "total": copies}]
            if copies > 1
            else []
        )
        labels.append(Label(lot.number, lot.number, [line for line in lines if line] + extra))
    return labels


def location_label(location: StorageLocation) -> Label:
    """The label of a storage location: its code, name, place in the tree and set points."""
    lines = [location.path, location.get_kind_display()]
    if location.storage_kind:
        lines.append(location.get_storage_kind_display())
    if location.temperature_min is not None or location.temperature_max is not None:
        lines.append(
            _("%(low)s to %(high)s °C")
            % {"low": _number(location.temperature_min), "high": _number(location.temperature_max)}
        )
    return Label(location.code, location.name, lines)


def _number(value) -> str:
    return "" if value is None else f"{value.normalize():f}"


def labels_for_lots(lots: Iterable[SeedLot], copies: int = 1) -> list[Label]:
    labels: list[Label] = []
    for lot in lots:
        labels += lot_labels(lot, copies)
    return labels


# --- drawing -----------------------------------------------------------------------------------


def font_path() -> Path:
    """Noto Sans Arabic from its Python package, else Debian's DejaVu Sans."""
    try:
        import fontpkg_noto_sans_arabic

        found = sorted((fontpkg_noto_sans_arabic.ROOT / "files").glob("*.ttf"))
        if found:
            return found[0]
    except ImportError:
        pass
    if DEJAVU.exists():
        return DEJAVU
    raise RuntimeError(
        "No font with Arabic glyphs: pip install fontpkg-noto-sans-arabic "
        "or apt-get install fonts-dejavu-core"
    )


@lru_cache(maxsize=1)
def _register_font() -> str:
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_path())))
    return FONT_NAME


def _has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def visual(text: str, rtl: bool = False) -> str:
    """The text as the PDF must draw it: Arabic joined and in right-to-left visual order. On a
    right-to-left label a line mixing scripts reads from the right, whichever script comes first."""
    if not _has_rtl(text):
        return text
    return get_display(arabic_reshaper.reshape(text), base_dir="R" if rtl else None)


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float, smallest: float):
    """(text, size) that fits the width: smaller type first, then an ellipsis."""
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text, size
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…", size


def _draw_qr(canvas: Canvas, code: str, x: float, y: float, side: float) -> None:
    qr = segno.make(code, error="m", micro=False)
    matrix = qr.matrix
    modules = len(matrix) + 8  # with the four-module quiet zone all around
    unit = side / modules
    canvas.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(matrix):
        top = y + side - (row_index + 4) * unit
        for col_index, dark in enumerate(row):
            if dark:
                canvas.rect(x + (col_index + 4) * unit, top - unit, unit, unit, stroke=0, fill=1)


def _draw_barcode(canvas: Canvas, code: str, x: float, y: float, width: float, height: float):
    probe = Code128(code, barWidth=1, barHeight=height, quiet=0)
    # Ten modules of quiet zone each side, as Code 128 asks.
    bar_width = width / (probe.width + 20)
    barcode = Code128(
        code, barWidth=bar_width, barHeight=height, quiet=1, lquiet=10 * bar_width,
        rquiet=10 * bar_width,
    )  # fmt: skip
    barcode.drawOn(canvas, x, y)


def _draw_label(canvas: Canvas, label: Label, size: LabelSize, x0: float, y0: float, rtl: bool):
    font = _register_font()
    width, height = size.width * mm, size.height * mm
    pad = 1.5 * mm
    band = max(6 * mm, height * 0.24)
    _draw_barcode(canvas, label.code, x0 + pad, y0 + pad, width - 2 * pad, band)
    upper_bottom = y0 + 2 * pad + band
    side = min(y0 + height - pad - upper_bottom, width * 0.45)
    text_width = width - side - 3 * pad
    if rtl:
        qr_x, text_right = x0 + width - pad - side, x0 + width - 2 * pad - side
    else:
        qr_x, text_left = x0 + pad, x0 + 2 * pad + side
    _draw_qr(canvas, label.code, qr_x, upper_bottom, side)
    top = y0 + height - pad
    heading_size = min(11.0, height / 4.5)
    line_size = min(7.5, height / 6)
    rows = [(label.heading, heading_size, 7.0)] + [(line, line_size, 4.5) for line in label.lines]
    cursor = top
    for text, font_size, smallest in rows:
        shown, font_size = _fit(canvas, visual(text, rtl), font, font_size, text_width, smallest)
        cursor -= font_size * 1.15
        if cursor < upper_bottom:
            break
        canvas.setFont(font, font_size)
        if rtl:
            canvas.drawRightString(text_right, cursor, shown)
        else:
            canvas.drawString(text_left, cursor, shown)


def render_labels(labels: list[Label], size: str = DEFAULT_SIZE, language: str | None = None):
    """The labels as PDF bytes, laid out on the given stock. Text is drawn right-aligned, with the
    QR code on the right, when the language is written right to left."""
    buffer = io.BytesIO()
    write_labels(buffer, labels, size, language)
    return buffer.getvalue()


def write_labels(
    target,
    labels: list[Label],
    size: str = DEFAULT_SIZE,
    language: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> None:
    """The labels as a PDF written to target (a path or a binary file), as render_labels;
    on_progress(labels drawn) every PROGRESS_EVERY labels."""
    stock = LABEL_SIZES[size]
    language = language or translation.get_language() or "en"
    rtl = translation.get_language_info(language)["bidi"]
    canvas = Canvas(target, pagesize=stock.page_size(), pageCompression=1)
    canvas.setTitle(_("Labels"))
    canvas.setCreator("genebank")
    for index, label in enumerate(labels):
        slot = index % stock.per_page
        if index and slot == 0:
            canvas.showPage()
        x, y = stock.origin(slot)
        _draw_label(canvas, label, stock, x, y, rtl)
        if on_progress is not None and (index + 1) % PROGRESS_EVERY == 0:
            on_progress(index + 1)
    if not labels:
        canvas.setFont(_register_font(), 10)
        canvas.drawString(10 * mm, stock.page_size()[1] - 10 * mm, visual(_("No labels.")))
    canvas.showPage()
    canvas.save()


# --- label batches as jobs ---------------------------------------------------------------------


def queue_label_job(
    user,
    *,
    size: str,
    language: str,
    count: int,
    lots: Iterable[int] = (),
    copies: int = 1,
    locations: Iterable[int] = (),
):
    """Queue the labels of these lots (ids, in print order; copies of each) or storage locations
    as a job whose result is the PDF. The caller has chosen the ids among what the user sees."""
    from genebank.core.jobs import enqueue_job

    return enqueue_job(
        "labels",
        user=user,
        total=count,
        message=_("%(count)s labels to draw") % {"count": count},
        size=size,
        language=language,
        lots=list(lots),
        copies=copies,
        locations=list(locations),
    )


def _in_order(model, ids: list[int], related: tuple[str, ...] = ()) -> Iterator:
    """The records of these ids in the ids' order, a thousand a query."""
    for start in range(0, len(ids), 1000):
        part = ids[start : start + 1000]
        found = model.objects.select_related(*related).in_bulk(part)
        yield from (found[pk] for pk in part if pk in found)


def run_label_job(
    job, *, size: str, language: str, lots: list[int], copies: int, locations: list[int]
) -> None:
    """The work of a label job (inventory.tasks): draw the labels to a PDF kept as its result."""
    from genebank.core.jobs import job_progress, keep_result, result_file

    with translation.override(language), job_progress(job) as report:
        found = labels_for_lots(
            _in_order(SeedLot, lots, ("accession", "accession__taxon__crop")), copies
        )
        found += [location_label(place) for place in _in_order(StorageLocation, locations)]
        total = len(found)
        report(0, total, _("%(count)s labels to draw") % {"count": total}, stage="drawn")

        def drawn(done: int) -> None:
            report(
                done,
                message=_("%(done)s of %(total)s labels drawn") % {"done": done, "total": total},
            )

        path = result_file(job, "labels.pdf")
        write_labels(str(path), found, size, language, on_progress=drawn)
        report(total, message=_("%(count)s labels drawn") % {"count": total})
        keep_result(job, path, "labels.pdf")
