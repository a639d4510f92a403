"""A report is data: columns and rows of native values, rendered to .xlsx and PDF by the shared
renderers in reports.renderers, downloadable from the web and runnable by `manage.py report`."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

TEXT, INT, DECIMAL, MONEY, PERCENT, DATE = "text", "int", "decimal", "money", "percent", "date"

# Excel number formats per column kind. "0.0" for percent: the cells hold 87.5, not 0.875,
# because the statistics forms show «87,5» in a «%» column.
XLSX_FORMATS = {
    INT: "#,##0",
    DECIMAL: "#,##0.00",
    MONEY: "#,##0.00",
    PERCENT: "0.0",
    DATE: "DD.MM.YYYY",
}


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = TEXT
    width: int = 14
    total: bool = False  # summed into the ИТОГО row


@dataclass
class Sheet:
    """One table: an Excel sheet, or a section of the PDF."""

    title: str
    columns: list[Column]
    rows: Iterable[tuple]
    total_label: str | None = "ИТОГО"  # None: no totals row
    heading: str = ""  # a line above the table in the PDF (the sheet title is used if empty)

    @property
    def has_totals(self) -> bool:
        return self.total_label is not None and any(c.total for c in self.columns)


class Report:
    """Subclasses set identifier, title, columns and roles, and implement rows(); reports with
    several tables override sheets() instead."""

    identifier: str = ""
    title: str = ""
    columns: list[Column] = []
    roles: set[str] = set()  # who may download it from the web; the command line may run all
    total_label: str | None = "ИТОГО"
    pdf_template = "reports/pdf/table.html"
    landscape = False
    # name → (label, parser) of the parameters the report takes (?year=2021-2022, --year ...).
    parameters: dict = {}

    def __init__(self, user=None, **params):
        """user: whose view of the data to show (a librarian's report covers their school only);
        None from the command line, which sees everything."""
        self.user = user
        self.params = self.clean_params(params)

    @classmethod
    def clean_params(cls, raw: dict) -> dict:
        cleaned = {}
        for name, (label, parser) in cls.parameters.items():
            value = raw.get(name)
            if value in (None, ""):
                raise ValidationError(f"Не указан параметр «{label}» (--{name}).")
            try:
                cleaned[name] = parser(value)
            except (ValueError, ValidationError) as error:
                message = error.messages[0] if isinstance(error, ValidationError) else ""
                raise ValidationError(
                    f"Неверное значение параметра «{label}»: {value!r}. {message}".strip()
                ) from None
        return cleaned

    @classmethod
    def allowed(cls, user) -> bool:
        return user.is_authenticated and user.is_active and user.role in cls.roles

    def get_title(self) -> str:
        return self.title

    def rows(self) -> Iterator[tuple]:
        raise NotImplementedError  # every concrete report implements rows() or sheets()

    def sheets(self) -> list[Sheet]:
        return [Sheet(self.get_title(), self.columns, self.rows(), self.total_label)]

    def filename(self, extension: str) -> str:
        suffix = "-".join(str(v) for v in self.params.values())
        return f"{self.identifier}{'-' + suffix if suffix else ''}.{extension}"

    def pdf_context(self) -> dict:
        from .renderers import pdf_tables

        return {
            "title": self.get_title(),
            "tables": pdf_tables(self.sheets()),
            "landscape": self.landscape,
            "generated_at": timezone.now(),
        }


def native(value):
    """Values a renderer understands; anything else is shown as text."""
    if value is None or isinstance(value, int | float | Decimal | date | datetime | str):
        return value
    return str(value)
