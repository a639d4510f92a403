"""Objects and files for the textbooks tests."""

import io
import itertools
from datetime import date

from openpyxl import Workbook

from textbooks.models import (
    Appendix,
    Campaign,
    FpuEntry,
    FpuOrder,
    ProvisionRow,
    Submission,
    grades_mask,
)

_counter = itertools.count(1)


def make_order(title="№ 858 от 21.09.2022") -> FpuOrder:
    return FpuOrder.objects.get_or_create(title=title)[0]


def make_fpu(code=None, grades=(5,), appendix=Appendix.CURRENT, end_date=None, **fields):
    n = next(_counter)
    grades = list(grades)
    fields.setdefault("authors", f"Иванов И.И. {n}")
    fields.setdefault("title", f"Математика {n}")
    fields.setdefault("publisher", "Просвещение")
    label = f"{grades[0]}-{grades[-1]}" if len(grades) > 1 else str(grades[0])
    return FpuEntry.objects.create(
        code=code or f"1.1.2.4.1.1.{n}",
        grades=label,
        grade_mask=grades_mask(grades),
        appendix=appendix,
        end_date=end_date,
        order=fields.pop("order", None) or make_order(),
        **fields,
    )


def make_campaign(start_year=2021, deadline=date(2021, 5, 20)) -> Campaign:
    return Campaign.objects.create(start_year=start_year, deadline=deadline)


def make_submission(school, campaign=None, **fields) -> Submission:
    campaign = campaign or make_campaign()
    return Submission.objects.create(campaign=campaign, school=school, **fields)


def make_row(submission, fpu=None, grade=5, **fields) -> ProvisionRow:
    fpu = fpu or make_fpu(grades=[grade])
    fields.setdefault("subject", "Математика")
    fields.setdefault("pupils", 25)
    fields.setdefault("fund", 25)  # fully provided: no warnings, as the checker would save it
    return ProvisionRow.objects.create(
        submission=submission,
        fpu_entry=fpu,
        grade=grade,
        authors=fpu.authors,
        title=fpu.title,
        publisher=fpu.publisher,
        **fields,
    )


def xlsx_bytes(rows, *, title_rows=(), sheet_title="Лист1", hidden_first=False) -> bytes:
    """A workbook with optional title rows above the table; rows[0] is the header."""
    workbook = Workbook()
    sheet = workbook.active
    if hidden_first:
        sheet.title = "Списки"
        sheet.append(["скрытый лист"])
        sheet.sheet_state = "hidden"
        sheet = workbook.create_sheet(sheet_title)
    else:
        sheet.title = sheet_title
    for row in title_rows:
        sheet.append(row)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FPU_HEADER = [
    "Порядковый номер учебника",
    "Автор/авторский коллектив",
    "Наименование учебника",
    "Класс",
    "Наименование издателя(ей) учебника",
    "Предельный срок использования",
]
