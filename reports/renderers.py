"""The two shared renderers: Excel (openpyxl, write-only) and PDF (WeasyPrint)."""

import io
import mimetypes
from collections.abc import Iterable
from datetime import date, datetime
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from metodkab.lib.ru import format_number

from .base import DECIMAL, INT, MONEY, PERCENT, XLSX_FORMATS, Sheet, native

NUMERIC_KINDS = {INT, DECIMAL, MONEY, PERCENT}

HEADER_FONT = Font(bold=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
# Excel forbids these in sheet titles and limits them to 31 characters.
_BAD_TITLE_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def sheet_title(title: str) -> str:
    return " ".join(title.translate(_BAD_TITLE_CHARS).split())[:31].strip()


def to_xlsx(sheets: Iterable[Sheet]) -> bytes:
    """Write the sheets into one workbook: bold frozen header, number and date formats, column
    widths, an ИТОГО row summing the `total` columns, A4 print setup with the header repeated."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet_title(sheet.title))
        columns = sheet.columns
        for index, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.orientation = "landscape" if len(columns) > 6 else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True

        header = []
        for column in columns:
            cell = WriteOnlyCell(ws, value=column.title)
            cell.font = HEADER_FONT
            cell.alignment = HEADER_ALIGNMENT
            header.append(cell)
        ws.append(header)

        formats = [XLSX_FORMATS.get(column.kind) for column in columns]
        totals = [0] * len(columns)
        row_count = 0
        for row in sheet.rows:
            cells = []
            for i, value in enumerate(row):
                value = native(value)
                if formats[i] and value is not None and not isinstance(value, str):
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = formats[i]
                    cells.append(cell)
                    if columns[i].total:
                        totals[i] += value
                else:
                    cells.append(value)
            ws.append(cells)
            row_count += 1
        if sheet.has_totals and row_count:
            ws.append(_totals_row(ws, sheet, totals, formats))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _totals_row(ws, sheet: Sheet, totals: list, formats: list) -> list:
    row = []
    for i, column in enumerate(sheet.columns):
        value = sheet.total_label if i == 0 else (totals[i] if column.total else None)
        cell = WriteOnlyCell(ws, value=value)
        cell.font = HEADER_FONT
        if column.total and formats[i]:
            cell.number_format = formats[i]
        row.append(cell)
    return row


def sheet_totals(sheet: Sheet, rows: list[tuple]) -> list:
    """The ИТОГО row for a PDF table (the rows are already in memory there)."""
    result = []
    for i, column in enumerate(sheet.columns):
        if i == 0:
            result.append(sheet.total_label)
        elif column.total:
            result.append(sum((row[i] or 0) for row in rows) if rows else 0)
        else:
            result.append(None)
    return result


# --- PDF ---------------------------------------------------------------------------------------

# The pseudo-origin PDF templates are rendered under: `{% static %}` URLs resolve against it and
# only they are ever fetched (see StaticOnlyFetcher).
PDF_BASE_URL = "https://metodkab.invalid/"


class StaticOnlyFetcher(URLFetcher):
    """Serves our own static files (fonts, images, CSS) and refuses everything else, so that a
    document can never make the server fetch a URL, a local file or data smuggled into it."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        base = urlsplit(PDF_BASE_URL)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            raise ValueError(f"external resources are not fetched: {url}")
        if not parts.path.startswith(settings.STATIC_URL):
            raise ValueError(f"only static files are fetched: {url}")
        relative = unquote(parts.path.removeprefix(settings.STATIC_URL))
        path = None if ".." in relative.split("/") else finders.find(relative)
        if not path:
            raise ValueError(f"no such static file: {relative}")
        mime_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        with open(path, "rb") as handle:
            return URLFetcherResponse(url, handle.read(), {"Content-Type": mime_type})


def to_pdf(template_name: str, context: dict) -> bytes:
    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()


def format_cell(value, kind: str) -> str:
    """A value as printed in a PDF document: decimal comma, ДД.ММ.ГГГГ."""
    value = native(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, str):
        return value
    places = {DECIMAL: 2, MONEY: 2, PERCENT: 1}.get(kind, None if isinstance(value, int) else 2)
    return format_number(value, places)


def pdf_tables(sheets: Iterable[Sheet]) -> list[dict]:
    """The sheets as formatted cells for templates/reports/pdf/table.html."""
    tables = []
    for sheet in sheets:
        rows = list(sheet.rows)
        kinds = [column.kind for column in sheet.columns]

        def cells(row, kinds=kinds):
            return [
                {"text": format_cell(value, kind), "numeric": kind in NUMERIC_KINDS}
                for value, kind in zip(row, kinds, strict=False)
            ]

        total_width = sum(column.width for column in sheet.columns) or 1
        tables.append(
            {
                "title": sheet.title,
                "heading": sheet.heading,
                "columns": [
                    {"title": column.title, "share": round(column.width * 100 / total_width, 1)}
                    for column in sheet.columns
                ],
                "cells": [cells(row) for row in rows],
                "totals": cells(sheet_totals(sheet, rows)) if sheet.has_totals and rows else None,
            }
        )
    return tables


def render_report(report, fmt: str) -> bytes:
    if fmt == "xlsx":
        return to_xlsx(report.sheets())
    if fmt == "pdf":
        return to_pdf(report.pdf_template, report.pdf_context())
    raise ValueError(f"unknown format {fmt!r}")
