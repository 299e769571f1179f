"""The PDF of a quotation, in the customer's language, with the store's details (ReportLab).

Fonts travel with the code or with the PDF standard, so nothing is needed on the server: DejaVu
Sans (``aftersales/fonts/``, Latin, Greek and Cyrillic: English, French, Ukrainian) is embedded;
Korean, Chinese and Japanese use the Adobe CID fonts every PDF reader provides.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from aftersales.formatting import amount_with_currency
from aftersales.models import Quotation

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
# Regular and bold font per language; DejaVu for every other language.
CID_FONTS = {
    "ko": ("HYGothic-Medium", "HYGothic-Medium"),
    "zh-hans": ("STSong-Light", "STSong-Light"),
    "zh": ("STSong-Light", "STSong-Light"),
    "ja": ("HeiseiKakuGo-W5", "HeiseiKakuGo-W5"),
}


def _fonts(language: str) -> tuple[str, str]:
    if language in CID_FONTS:
        regular, bold = CID_FONTS[language]
        for name in {regular, bold}:
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(UnicodeCIDFont(name))
        return regular, bold
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", FONTS_DIR / "DejaVuSans.ttf"))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", FONTS_DIR / "DejaVuSans-Bold.ttf"))
    return "DejaVuSans", "DejaVuSans-Bold"


def customer_language(quotation: Quotation) -> str:
    case = quotation.case
    return case.customer_language or (case.store.languages or ["en"])[0]


def quotation_pdf(quotation: Quotation) -> bytes:
    """The quotation as a PDF (A4), in the customer's language."""
    language = customer_language(quotation)
    with translation.override(language):
        return _render(quotation, *_fonts(language))


def pdf_filename(quotation: Quotation) -> str:
    return f"{quotation.case.reference}-v{quotation.number}.pdf"


def _render(quotation: Quotation, font: str, bold: str) -> bytes:
    case, store, currency = quotation.case, quotation.case.store, quotation.currency
    text = ParagraphStyle("text", fontName=font, fontSize=10, leading=14)
    small = ParagraphStyle("small", parent=text, fontSize=8, leading=11, textColor=colors.grey)
    title = ParagraphStyle("title", parent=text, fontName=bold, fontSize=16, leading=20)

    def money(amount) -> str:
        return amount_with_currency(amount, currency)

    story = [Paragraph(_esc(store.name), title)]
    address = [line.strip() for line in store.address.splitlines() if line.strip()]
    if address:
        story.append(Paragraph("<br/>".join(_esc(line) for line in address), text))
    if store.phone:
        story.append(Paragraph(_esc(_("Phone: %(phone)s") % {"phone": store.phone_display}), text))
    story += [
        Paragraph(_esc(f"{store.code}, {store.country}"), small),
        Spacer(1, 8 * mm),
        Paragraph(
            _esc(
                _("Quotation %(reference)s, version %(number)s")
                % {"reference": case.reference, "number": quotation.number}
            ),
            ParagraphStyle("heading", parent=text, fontName=bold, fontSize=12, leading=16),
        ),
        Paragraph(_esc(_("For: %(name)s") % {"name": case.customer_name or "-"}), text),
        Paragraph(
            _esc(
                _("Valid until %(date)s")
                % {"date": formats.date_format(quotation.valid_until, "DATE_FORMAT")}
            ),
            text,
        ),
    ]
    findings = case.data.get("findings_for_the_customer")
    if findings:
        story += [Spacer(1, 4 * mm), Paragraph(_esc(str(findings)), text)]
    # "quotation" context: the customer's words, translated apart from the same staff labels.
    rows = [
        [
            pgettext("quotation", "Description"),
            pgettext("quotation", "Quantity"),
            pgettext("quotation", "Unit price"),
            pgettext("quotation", "Discount"),
            pgettext("quotation", "Amount"),
        ]
    ]
    for line in quotation.lines.all():
        rows.append(
            [
                Paragraph(_esc(line.description), text),
                formats.number_format(line.quantity.normalize(), use_l10n=True),
                money(line.unit_price),
                f"{formats.number_format(line.discount_percent.normalize(), use_l10n=True)} %"
                if line.discount_percent
                else "",
                money(line.net),
            ]
        )
    rows += [
        ["", "", "", pgettext("quotation", "Subtotal"), money(quotation.subtotal)],
        ["", "", "", pgettext("quotation", "Tax"), money(quotation.tax)],
        ["", "", "", pgettext("quotation", "Total"), money(quotation.total)],
    ]
    table = Table(rows, colWidths=[70 * mm, 20 * mm, 30 * mm, 25 * mm, 30 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTNAME", (0, 0), (-1, 0), bold),
                ("FONTNAME", (0, -1), (-1, -1), bold),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("LINEABOVE", (0, -3), (-1, -3), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [Spacer(1, 6 * mm), table]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{case.reference} v{quotation.number}",
        author=store.name,
        invariant=True,  # the same quotation gives the same bytes
    )
    document.build(story)
    return buffer.getvalue()


def _esc(value: str) -> str:
    """Paragraph text is a small markup language: escape what customers and staff typed."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
