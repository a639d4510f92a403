"""Files the textbooks area gives out: the school's Excel template and the statistics reports."""

import io
from datetime import date
from decimal import Decimal

from django.db.models import Q
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from metodkab.lib.years import parse_year, year_label
from reports.base import DATE, INT, MONEY, PERCENT, Column, Report, Sheet
from schools.models import Role

from .importers import TEMPLATE_HEADERS
from .models import (
    ACT_STATUSES,
    GRADES,
    Condition,
    ExchangeOffer,
    FpuEntry,
    NeedReason,
    ProvisionRow,
    Submission,
    TransferKind,
    TransferLine,
    TransferStatus,
    first_of_september,
    provision_percent,
    usable_copies,
)

TEMPLATE_WIDTHS = [8, 22, 18, 28, 36, 20, 10, 12, 10, 12, 12, 24]


def provision_template(submission) -> bytes:
    """The school's rows as an .xlsx to fill in and load back (an empty table if none yet), with
    drop-down lists for the grade and the reason of a need."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Обеспеченность"
    sheet.append([title for _name, title in TEMPLATE_HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(TEMPLATE_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    reasons = dict(NeedReason.choices)
    for row in submission.rows.select_related("fpu_entry").order_by("grade", "subject", "title"):
        sheet.append(
            [
                row.grade,
                row.subject,
                row.fpu_entry.code if row.fpu_entry else None,
                row.authors,
                row.title,
                row.publisher,
                row.edition_year,
                row.pupils,
                row.fund,
                row.write_off,
                row.from_orf,
                reasons.get(row.need_reason),
            ]
        )
    last = 2000
    grades = DataValidation(
        type="list",
        formula1='"' + ",".join(str(g) for g in GRADES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Класс",
        error="Выберите класс от 1 до 11.",
    )
    grades.add(f"A2:A{last}")
    reason_list = DataValidation(
        type="list",
        formula1='"' + ",".join(label for _v, label in NeedReason.choices) + '"',
        allow_blank=True,
    )
    reason_list.add(f"L2:L{last}")
    counts = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        error="Нужно целое неотрицательное число.",
    )
    counts.add(f"H2:K{last}")
    for validation in (grades, reason_list, counts):
        sheet.add_data_validation(validation)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Statistics ----------------------------------------------------------------------------------


class Tally:
    """Pupils P, provided Σmin(U, P) and need ΣN of a group of rows; % = provided / P."""

    __slots__ = ("pupils", "provided", "need")

    def __init__(self):
        self.pupils = self.provided = self.need = 0

    def add(self, pupils: int, usable: int) -> None:
        self.pupils += pupils
        self.provided += min(pupils, usable)
        self.need += max(0, pupils - usable)

    @property
    def percent(self) -> float | None:
        return provision_percent(self.pupils, self.provided)

    def cells(self) -> tuple:
        return (self.pupils, self.provided, self.need, self.percent)


ROW_VALUES = (
    "submission__school__short_name",
    "grade",
    "subject",
    "pupils",
    "fund",
    "write_off",
    "from_orf",
    "is_usable",
    "fpu_entry__code",
    "authors",
    "title",
)


def provision_rows(start_year: int, user=None):
    """The rows of a campaign that the user may see (all from the command line), as tuples."""
    rows = ProvisionRow.objects.filter(submission__campaign__start_year=start_year)
    if user is not None:
        rows = rows.for_user(user)
    return rows


def provision_tallies(start_year: int, user=None) -> dict:
    """One pass over the rows: tallies by school, grade and subject, and the need per textbook."""
    by_school, by_grade, by_subject, needs = {}, {}, {}, {}
    total = Tally()
    rows = provision_rows(start_year, user).values_list(*ROW_VALUES)
    for (
        school,
        grade,
        subject,
        pupils,
        fund,
        write_off,
        from_orf,
        ok,
        code,
        authors,
        title,
    ) in rows.iterator(chunk_size=5000):
        usable = usable_copies(fund, write_off, from_orf, ok)
        for table, key in ((by_school, school), (by_grade, grade), (by_subject, subject)):
            tally = table.get(key)
            if tally is None:
                tally = table[key] = Tally()
            tally.add(pupils, usable)
        total.add(pupils, usable)
        need = pupils - usable
        if need > 0:
            entry = needs.setdefault((code or "", authors, title), [set(), set(), 0])
            entry[0].add(school)
            entry[1].add(grade)
            entry[2] += need
    return {
        "by_school": by_school,
        "by_grade": by_grade,
        "by_subject": by_subject,
        "needs": needs,
        "total": total,
    }


def schools_in_campaign(start_year: int, user=None) -> list[str]:
    submissions = Submission.objects.filter(campaign__start_year=start_year)
    if user is not None:
        submissions = submissions.for_user(user)
    return list(submissions.values_list("school__short_name", flat=True))


TALLY_COLUMNS = [
    Column("Обучающихся", INT, 14),
    Column("Обеспечено", INT, 14),
    Column("Потребность", INT, 14),
    Column("Обеспеченность, %", PERCENT, 16),
]


class ProvisionReport(Report):
    identifier = "provision"
    title = "Обеспеченность учебниками"
    roles = {Role.METHODOLOGIST, Role.COMMITTEE, Role.LIBRARIAN}
    parameters = {"year": ("Учебный год", parse_year)}
    landscape = True

    def get_title(self) -> str:
        return f"Обеспеченность учебниками на {year_label(self.params['year'])} учебный год"

    def sheets(self) -> list[Sheet]:
        start_year = self.params["year"]
        tallies = provision_tallies(start_year, self.user)
        total = tallies["total"]
        schools = sorted(
            set(schools_in_campaign(start_year, self.user)) | tallies["by_school"].keys()
        )

        def with_total(rows):
            yield from rows
            yield ("ИТОГО", *total.cells())

        by_school = ((name, *tallies["by_school"].get(name, Tally()).cells()) for name in schools)
        by_grade = ((grade, *tally.cells()) for grade, tally in sorted(tallies["by_grade"].items()))
        by_subject = (
            (subject, *tally.cells())
            for subject, tally in sorted(
                tallies["by_subject"].items(), key=lambda i: i[0].casefold()
            )
        )
        needs = (
            (code, authors, title, ", ".join(str(g) for g in sorted(grades)), len(names), need)
            for (code, authors, title), (names, grades, need) in sorted(
                tallies["needs"].items(), key=lambda item: (-item[1][2], item[0])
            )
        )
        return [
            Sheet(
                "По школам",
                [Column("Школа", width=40), *TALLY_COLUMNS],
                with_total(by_school),
                None,
            ),
            Sheet(
                "По классам", [Column("Класс", INT, 10), *TALLY_COLUMNS], with_total(by_grade), None
            ),
            Sheet(
                "По предметам",
                [Column("Предмет", width=32), *TALLY_COLUMNS],
                with_total(by_subject),
                None,
            ),
            Sheet(
                "Потребность",
                [
                    Column("Код ФПУ", width=18),
                    Column("Авторы", width=28),
                    Column("Наименование", width=40),
                    Column("Классы", width=10),
                    Column("Школ", INT, 8),
                    Column("Потребность, экз.", INT, 14, total=True),
                ],
                needs,
                heading="Потребность в учебниках (заказ)",
            ),
            Sheet(
                "Вне ФПУ и с истекающим сроком",
                [
                    Column("Школа", width=30),
                    Column("Класс", INT, 8),
                    Column("Предмет", width=20),
                    Column("Учебник", width=44),
                    Column("Код ФПУ", width=18),
                    Column("Состояние", width=30),
                    Column("В фонде", INT, 10, total=True),
                ],
                self._outside_rows(start_year),
                heading="Учебники вне ФПУ и с истекающим сроком использования",
            ),
        ]

    def _outside_rows(self, start_year: int):
        """Rows outside the list, or whose limit date falls before the end of the school year."""
        year_end = date(start_year + 1, 8, 31)
        rows = (
            provision_rows(start_year, self.user)
            .filter(Q(fpu_entry__isnull=True) | Q(fpu_entry__end_date__lte=year_end))
            .order_by("submission__school__short_name", "grade", "subject")
            .values_list(
                "submission__school__short_name",
                "grade",
                "subject",
                "authors",
                "title",
                "fpu_entry__code",
                "fpu_entry__end_date",
                "fund",
            )
        )
        start = first_of_september(start_year)
        for school, grade, subject, authors, title, code, end_date, fund in rows.iterator(
            chunk_size=5000
        ):
            if code is None:
                state = "вне ФПУ"
            elif end_date < start:
                state = f"срок использования истёк {end_date:%d.%m.%Y}"
            else:
                state = f"можно использовать до {end_date:%d.%m.%Y}"
            yield (school, grade, subject, f"{authors} «{title}»".strip(), code or "", state, fund)


class ProvisionComparisonReport(Report):
    identifier = "provision-compare"
    title = "Обеспеченность учебниками: сравнение с прошлым годом"
    roles = {Role.METHODOLOGIST, Role.COMMITTEE, Role.LIBRARIAN}
    parameters = {"year": ("Учебный год", parse_year)}
    landscape = True
    total_label = None

    def get_title(self) -> str:
        year = self.params["year"]
        return f"Обеспеченность учебниками: {year_label(year)} в сравнении с {year_label(year - 1)}"

    @property
    def columns(self):
        year = self.params["year"]
        return [
            Column("Школа", width=40),
            Column(f"Обеспеченность {year_label(year - 1)}, %", PERCENT, 18),
            Column(f"Обеспеченность {year_label(year)}, %", PERCENT, 18),
            Column("Изменение, п. п.", PERCENT, 14),
            Column(f"Потребность {year_label(year - 1)}", INT, 16),
            Column(f"Потребность {year_label(year)}", INT, 16),
        ]

    def rows(self):
        year = self.params["year"]
        now = provision_tallies(year, self.user)
        before = provision_tallies(year - 1, self.user)
        names = sorted(now["by_school"].keys() | before["by_school"].keys())
        lines = [
            (name, before["by_school"].get(name), now["by_school"].get(name)) for name in names
        ]
        lines.append(("ИТОГО", before["total"], now["total"]))
        for name, old, new in lines:
            old_percent = old.percent if old else None
            new_percent = new.percent if new else None
            change = (
                new_percent - old_percent
                if old_percent is not None and new_percent is not None
                else None
            )
            yield (
                name,
                old_percent,
                new_percent,
                change,
                old.need if old else None,
                new.need if new else None,
            )


# --- Charts on the home pages (SVG drawn on the server) ------------------------------------------


def bar_chart(items: list[tuple[str, float | None]], *, label_width: int = 220) -> dict:
    """Horizontal bars of percentages for templates/textbooks/_bar_chart.svg."""
    bar_height, gap, width = 18, 6, 640
    bars = []
    plot = width - label_width - 60
    for index, (label, percent) in enumerate(items):
        value = percent or 0
        bars.append(
            {
                "label": label,
                "y": index * (bar_height + gap),
                "text_y": index * (bar_height + gap) + bar_height - 5,
                "width": round(plot * value / 100, 1),
                "value_x": label_width + round(plot * value / 100, 1) + 4,
                "percent": percent,
                "level": "low" if value < 80 else "mid" if value < 100 else "full",
            }
        )
    return {
        "bars": bars,
        "height": max(1, len(items)) * (bar_height + gap),
        "width": width,
        "label_width": label_width,
        "bar_height": bar_height,
    }


# --- ОРФ -----------------------------------------------------------------------------------------


def declaration_template(kind: str) -> bytes:
    """An empty .xlsx to fill in with a school's offers (kind "offers") or needs ("needs")."""
    from .importers import NEED_TEMPLATE_HEADERS, OFFER_TEMPLATE_HEADERS

    headers = OFFER_TEMPLATE_HEADERS if kind == "offers" else NEED_TEMPLATE_HEADERS
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Излишки" if kind == "offers" else "Потребность"
    sheet.append([title for _name, title in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 30 if index == 3 else 16
    sheet.freeze_panes = "A2"
    names = [name for name, _title in headers]
    copies = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="1",
        allow_blank=True,
        showErrorMessage=True,
        error="Нужно целое число не меньше 1.",
    )
    column = get_column_letter(names.index("copies") + 1)
    copies.add(f"{column}2:{column}2000")
    sheet.add_data_validation(copies)
    if "condition" in names:
        conditions = DataValidation(
            type="list",
            formula1='"' + ",".join(label for _v, label in Condition.choices) + '"',
            allow_blank=True,
        )
        column = get_column_letter(names.index("condition") + 1)
        conditions.add(f"{column}2:{column}2000")
        sheet.add_data_validation(conditions)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _orf_year(value) -> int:
    return parse_year(value)


class OrfYearReport(Report):
    """ОРФ reports take --year; without it, the current ОРФ year (exchange.default_year)."""

    parameters = {"year": ("Учебный год", _orf_year)}

    @classmethod
    def clean_params(cls, raw: dict) -> dict:
        if not raw.get("year"):
            from .exchange import default_year

            raw = {**raw, "year": year_label(default_year())}
        return super().clean_params(raw)


def orf_offers(start_year: int, *, q: str = "", grade=None, subject: str = ""):
    """The offers of the ОРФ list with copies left: what schools can still give."""
    offers = (
        ExchangeOffer.objects.of_year(start_year)
        .available()
        .select_related("school", "fpu_entry")
        .order_by("fpu_entry__title", "fpu_entry__authors", "-edition_year", "school__short_name")
    )
    if q:
        entries = FpuEntry.objects.search(q)
        offers = offers.filter(fpu_entry__in=entries)
    if grade:
        offers = offers.filter(fpu_entry__in=FpuEntry.objects.for_grade(grade))
    if subject:
        offers = offers.filter(subject=subject)
    return offers


class OrfListReport(OrfYearReport):
    identifier = "orf"
    title = "Обменно-резервный фонд учебников"
    roles = {Role.METHODOLOGIST, Role.COMMITTEE, Role.LIBRARIAN}
    landscape = True
    columns = [
        Column("Код ФПУ", width=16),
        Column("Авторы", width=26),
        Column("Наименование", width=34),
        Column("Класс", width=8),
        Column("Предмет", width=16),
        Column("Год издания", INT, 10),
        Column("Состояние", width=16),
        Column("Экз.", INT, 8, total=True),
        Column("Школа", width=24),
        Column("Можно передать до", DATE, 14),
    ]

    def get_title(self) -> str:
        return f"Обменно-резервный фонд учебников на {year_label(self.params['year'])} учебный год"

    def rows(self):
        for offer in orf_offers(self.params["year"]).iterator(chunk_size=2000):
            entry = offer.fpu_entry
            yield (
                entry.code,
                entry.authors,
                entry.title,
                entry.grades,
                offer.subject,
                offer.edition_year,
                offer.get_condition_display(),
                offer.remaining,
                offer.school.short_name,
                offer.available_until,
            )


class OrfTransfersReport(OrfYearReport):
    identifier = "orf-transfers"
    title = "Передачи учебников через ОРФ"
    roles = {Role.METHODOLOGIST, Role.COMMITTEE}
    landscape = True

    def get_title(self) -> str:
        return f"Передачи учебников через ОРФ, {year_label(self.params['year'])} учебный год"

    def sheets(self) -> list[Sheet]:
        start_year = self.params["year"]
        lines = list(
            TransferLine.objects.filter(
                agreed=True,
                transfer__start_year=start_year,
                transfer__status__in=ACT_STATUSES,
            )
            .values_list(
                "transfer_id",
                "transfer__number",
                "transfer__act_date",
                "transfer__status",
                "transfer__kind",
                "transfer__giver__short_name",
                "transfer__receiver__short_name",
                "copies",
                "price",
            )
            .order_by("transfer__number", "pk")
        )
        schools = {}
        transfers = {}
        for tid, number, act_date, status, kind, giver, receiver, copies, price in lines:
            total = price * copies
            for name, side in ((giver, "given"), (receiver, "received")):
                tally = schools.setdefault(
                    name, {"given": [set(), 0, Decimal(0)], "received": [set(), 0, Decimal(0)]}
                )
                tally[side][0].add(tid)
                tally[side][1] += copies
                tally[side][2] += total
            t = transfers.setdefault(
                tid, [number, act_date, giver, receiver, kind, status, 0, Decimal(0)]
            )
            t[6] += copies
            t[7] += total
        statuses, kinds = dict(TransferStatus.choices), dict(TransferKind.choices)
        by_school = (
            (
                name,
                len(t["given"][0]),
                t["given"][1],
                t["given"][2],
                len(t["received"][0]),
                t["received"][1],
                t["received"][2],
            )
            for name, t in sorted(schools.items())
        )
        acts = (
            (n, d, g, r, kinds[k], statuses[s], c, m)
            for n, d, g, r, k, s, c, m in transfers.values()
        )
        return [
            Sheet(
                "По школам",
                [
                    Column("Школа", width=32),
                    Column("Передала: актов", INT, 12),
                    Column("Передала: экз.", INT, 12, total=True),
                    Column("Передала: сумма, руб.", MONEY, 16, total=True),
                    Column("Получила: актов", INT, 12),
                    Column("Получила: экз.", INT, 12, total=True),
                    Column("Получила: сумма, руб.", MONEY, 16, total=True),
                ],
                by_school,
            ),
            Sheet(
                "Акты",
                [
                    Column("№ акта", INT, 8),
                    Column("Дата", DATE, 12),
                    Column("Передающая школа", width=26),
                    Column("Принимающая школа", width=26),
                    Column("Вид", width=20),
                    Column("Состояние", width=14),
                    Column("Экз.", INT, 8, total=True),
                    Column("Сумма, руб.", MONEY, 14, total=True),
                ],
                acts,
                heading="Акты приёма-передачи",
            ),
        ]


class OrfUnmetReport(OrfYearReport):
    identifier = "orf-unmet"
    title = "Потребность, не покрытая ОРФ"
    roles = {Role.METHODOLOGIST, Role.COMMITTEE}
    landscape = True
    columns = [
        Column("Школа", width=26),
        Column("Класс", INT, 8),
        Column("Код ФПУ", width=16),
        Column("Авторы", width=26),
        Column("Наименование", width=34),
        Column("Нужно, экз.", INT, 12, total=True),
        Column("Из ОРФ, экз.", INT, 12, total=True),
        Column("Закупить, экз.", INT, 12, total=True),
    ]

    def get_title(self) -> str:
        return (
            f"Потребность в учебниках, не покрытая ОРФ (к закупке), "
            f"{year_label(self.params['year'])} учебный год"
        )

    def rows(self):
        from .exchange import unmet_needs

        for need in unmet_needs(self.params["year"]).iterator(chunk_size=2000):
            yield (
                need.school.short_name,
                need.grade,
                need.fpu_entry.code if need.fpu_entry else "",
                need.authors,
                need.title,
                need.copies,
                need.covered,
                need.unmet,
            )
