from datetime import date
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest

from reports.base import DATE, DECIMAL, INT, PERCENT, Column, Sheet
from reports.renderers import PDF_BASE_URL, StaticOnlyFetcher, format_cell, to_pdf, to_xlsx

COLUMNS = [
    Column("Школа", width=30),
    Column("Обучающихся", INT, 12, total=True),
    Column("Сумма", DECIMAL, 12, total=True),
    Column("Обеспеченность, %", PERCENT, 12),
    Column("Дата", DATE, 12),
]
ROWS = [
    ("СОШ № 1", 120, Decimal("1500.50"), 87.5, date(2021, 5, 20)),
    ("СОШ № 2", 80, Decimal("99.50"), 100.0, date(2021, 5, 21)),
]

PDF_CONTEXT = {"title": "Проверка", "tables": [], "landscape": False, "generated_at": None}


def workbook(*sheets):
    return openpyxl.load_workbook(BytesIO(to_xlsx(sheets)))


def test_xlsx_has_a_bold_frozen_header_formats_and_widths():
    ws = workbook(Sheet("По школам", COLUMNS, ROWS))["По школам"]
    assert [c.value for c in ws[1]] == [c.title for c in COLUMNS]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 30
    assert ws["B2"].number_format == "#,##0"
    assert ws["C2"].number_format == "#,##0.00"
    assert ws["E2"].number_format == "DD.MM.YYYY"
    assert ws["E2"].value.date() == date(2021, 5, 20)
    assert ws.print_title_rows == "$1:$1"


def test_xlsx_totals_row_sums_only_total_columns():
    ws = workbook(Sheet("S", COLUMNS, ROWS))["S"]
    last = [c.value for c in ws[ws.max_row]]
    assert last[:4] == ["ИТОГО", 200, Decimal("1600.00"), None]
    assert ws.cell(ws.max_row, 1).font.b


def test_xlsx_without_rows_has_no_totals_row():
    ws = workbook(Sheet("S", COLUMNS, []))["S"]
    assert ws.max_row == 1


def test_xlsx_sheet_titles_are_made_valid():
    wb = workbook(Sheet("Вне ФПУ: с истекающим сроком / 2021", COLUMNS, ROWS))
    assert wb.sheetnames == ["Вне ФПУ с истекающим сроком 202"]


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (1234, INT, "1\u202f234"),
        (Decimal("1234.5"), DECIMAL, "1\u202f234,50"),
        (87.46, PERCENT, "87,5"),
        (date(2021, 9, 1), DATE, "01.09.2021"),
        (None, INT, ""),
        ("текст", "text", "текст"),
    ],
)
def test_pdf_cells_use_decimal_comma_and_russian_dates(value, kind, text):
    assert format_cell(value, kind) == text


def test_pdf_uses_the_shipped_cyrillic_font(monkeypatch):
    fetched = []
    original = StaticOnlyFetcher.fetch

    def recording_fetch(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", recording_fetch)
    pdf = to_pdf("reports/pdf/table.html", PDF_CONTEXT)
    assert pdf.startswith(b"%PDF")
    assert "https://metodkab.invalid/static/fonts/DejaVuSans.ttf" in fetched


def test_pdf_pages_are_a4_with_page_numbers():
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string("reports/pdf/table.html", PDF_CONTEXT)
    assert "counter(page)" in html and "counter(pages)" in html and "стр. " in html
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticOnlyFetcher()).render()
    page = document.pages[0]
    assert (round(page.width * 25.4 / 96), round(page.height * 25.4 / 96)) == (210, 297)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/evil.css",
        "file:///etc/passwd",
        "https://metodkab.invalid/media/secret.pdf",
        "https://metodkab.invalid/static/../settings.py",
        "https://metodkab.invalid/static/no-such-file.css",
    ],
)
def test_pdf_fetcher_refuses_everything_but_our_static_files(url):
    with pytest.raises(ValueError):
        StaticOnlyFetcher().fetch(url)


def test_pdf_fetcher_serves_the_shipped_font():
    response = StaticOnlyFetcher().fetch("https://metodkab.invalid/static/fonts/DejaVuSans.ttf")
    assert response.read(4) == b"\x00\x01\x00\x00"


def test_pdf_column_widths_are_css_numbers_in_the_russian_locale():
    from django.template.loader import render_to_string

    from reports.renderers import pdf_tables

    sheet = Sheet("S", [Column("А", width=1), Column("Б", width=2)], [("x", "y")], None)
    html = render_to_string(
        "reports/pdf/table.html", {**PDF_CONTEXT, "tables": pdf_tables([sheet])}
    )
    assert "width: 33.3%" in html and "width: 66.7%" in html
