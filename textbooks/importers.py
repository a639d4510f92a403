"""Reading .xlsx files into checked rows: the federal list (ФПУ) and a school's provision file.

Both follow the same steps: safe open (metodkab.lib.xlsx) → find the header row by column names →
turn every row into plain values, collecting Russian errors and warnings per row → the caller
shows a preview and saves everything in one transaction (textbooks.services), or nothing.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError

from metodkab.lib.ru import format_number
from metodkab.lib.xlsx import cell_int, cell_text, is_formula, read_sheet
from metodkab.lib.years import year_label

from .models import (
    GRADES,
    Appendix,
    Condition,
    Enrollment,
    FpuEntry,
    NeedReason,
    grades_label,
    grades_mask,
    provision_percent,
    textbook_key,
    usable_copies,
)

HEADER_SEARCH_ROWS = 30


def _norm(text) -> str:
    """A header as compared: lower case, ё → е, only letters and digits."""
    text = cell_text(text).lower().replace("ё", "е")
    return re.sub(r"[^a-zа-я0-9]+", " ", text).strip()


def find_header(rows: list[tuple[int, tuple]], variants: dict[str, list[str]], required: set):
    """(row index in `rows`, {field: column index}) of the first row that names every required
    field; a header matches a variant when it starts with it («Наименование учебника» matches
    «наименование»). Title rows above the table (merged, one cell) never match."""
    for index, (_number, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = {}
        for column, value in enumerate(values):
            header = _norm(value)
            if not header:
                continue
            for name, names in variants.items():
                if name not in columns and any(header.startswith(v) for v in names):
                    columns[name] = column
                    break
        if required <= columns.keys():
            return index, columns
    return None, None


# --- ФПУ ----------------------------------------------------------------------------------------

# Checked in this order, first match wins: «Наименование издателя» is the publisher, not the title.
FPU_HEADERS = {
    "publisher": ["издател", "наименование издател"],
    "end_date": ["срок действия", "предельный срок", "срок использования", "дата окончания"],
    "appendix": ["приложение"],
    "code": ["код", "порядковый номер"],
    "authors": ["автор"],
    "title": ["наименование", "название"],
    "grades": ["класс"],
}
FPU_REQUIRED = {"code", "title", "grades"}

_GRADE_RANGE = re.compile(r"^(\d{1,2})\s*[-–—]\s*(\d{1,2})$")
_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def parse_grades(value) -> list[int]:
    """«5» → [5]; «5-9», «10–11» → ranges; «1,2», «1, 3» → lists. ValueError in Russian."""
    text = cell_text(value).replace(" ", "").rstrip(".")
    text = re.sub(r"(?i)кл(асс)?\.?$", "", text)
    if not text:
        raise ValueError("не указан класс")
    grades = []
    for part in re.split(r"[,;]", text):
        match = _GRADE_RANGE.match(part)
        if match:
            low, high = int(match[1]), int(match[2])
            if low > high:
                raise ValueError(f"класс «{cell_text(value)}»: начало диапазона больше конца")
            grades.extend(range(low, high + 1))
        elif part.isdigit():
            grades.append(int(part))
        else:
            raise ValueError(f"класс «{cell_text(value)}» не распознан")
    if any(g not in GRADES for g in grades):
        raise ValueError(f"класс «{cell_text(value)}»: допустимы классы с 1 по 11")
    return sorted(set(grades))


def parse_date(value) -> date | None:
    """A date cell, «31.05.2025», «до 31.05.2025 г.»; None for an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.search(cell_text(value))
    if not match:
        raise ValueError(f"дата «{cell_text(value)}» не распознана (нужно ДД.ММ.ГГГГ)")
    try:
        return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        raise ValueError(f"дата «{cell_text(value)}» не существует") from None


def parse_appendix(value, default: int) -> int:
    text = cell_text(value)
    if not text:
        return default
    digits = re.findall(r"\d", text)
    if digits and int(digits[0]) in Appendix.values:
        return int(digits[0])
    raise ValueError(f"приложение «{text}»: нужно 1 или 2")


@dataclass
class ParsedRow:
    number: int  # row number in Excel
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ParsedFile:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the file as a whole

    @property
    def ok(self) -> bool:
        return not self.errors and all(row.ok for row in self.rows)

    @property
    def error_rows(self) -> list[ParsedRow]:
        return [row for row in self.rows if row.errors]

    @property
    def warning_rows(self) -> list[ParsedRow]:
        return [row for row in self.rows if row.warnings and not row.errors]


def parse_fpu(data: bytes, *, appendix: int = Appendix.CURRENT) -> ParsedFile:
    """The ФПУ rows of a file; `appendix` is the default for a file without that column."""
    result = ParsedFile()
    try:
        rows = read_sheet(data)
    except ValidationError as error:
        result.errors.extend(error.messages)
        return result
    start, columns = find_header(rows, FPU_HEADERS, FPU_REQUIRED)
    if columns is None:
        result.errors.append(
            "Не найдена строка заголовков: нужны столбцы «Код» (или «Порядковый номер»), "
            "«Наименование» и «Класс»."
        )
        return result
    seen = {}
    for number, values in rows[start + 1 :]:

        def get(name, values=values):
            index = columns.get(name)
            return values[index] if index is not None and index < len(values) else None

        code = cell_text(get("code"))
        title = cell_text(get("title"))
        row = ParsedRow(number)
        if not title and not cell_text(get("grades")):
            continue  # a section heading inside the table («1.1. Начальное общее образование»)
        if not code:
            row.errors.append("не указан код")
        elif not re.fullmatch(r"[0-9.]+", code.rstrip(".")):
            row.errors.append(f"код «{code}» не похож на код ФПУ (цифры через точку)")
        if not title:
            row.errors.append("не указано наименование")
        for name in ("code", "authors", "title", "publisher"):
            if is_formula(get(name)):
                row.errors.append(f"в ячейке формула вместо текста ({get(name)})")
        try:
            grades = parse_grades(get("grades"))
        except ValueError as error:
            row.errors.append(str(error))
            grades = []
        try:
            end_date = parse_date(get("end_date"))
        except ValueError as error:
            row.errors.append(str(error))
            end_date = None
        try:
            row_appendix = parse_appendix(get("appendix"), appendix)
        except ValueError as error:
            row.errors.append(str(error))
            row_appendix = appendix
        code = code.rstrip(".")
        if code and code in seen:
            row.errors.append(f"код {code} уже был в строке {seen[code]}")
        seen.setdefault(code, number)
        if row_appendix == Appendix.EXCLUDED and end_date is None and not row.errors:
            row.warnings.append("исключённый учебник без предельного срока использования")
        mask = grades_mask(grades)
        row.values = {
            "code": code,
            "authors": cell_text(get("authors"))[:500],
            "title": title[:500],
            "grades": grades_label(mask),
            "grade_mask": mask,
            "publisher": cell_text(get("publisher"))[:300],
            "appendix": row_appendix,
            "end_date": end_date,
        }
        result.rows.append(row)
    if not result.rows and not result.errors:
        result.errors.append("Под строкой заголовков нет ни одного учебника.")
    return result


# --- Provision rows (the grid and the school file) -----------------------------------------------

REASONS_BY_TEXT = {label.casefold(): value for value, label in NeedReason.choices} | {
    value: value for value in NeedReason.values
}
_CODE_RE = re.compile(r"^\d+(\.\d+)+$")


def _key_text(text: str) -> str:
    return " ".join(str(text or "").casefold().replace("ё", "е").split())


class ProvisionChecker:
    """Checks provision rows of one submission, as typed in the grid or read from a file.

    A raw row is a dict of cell values (strings from the web, anything from Excel) with the keys
    grade, subject, code, authors, title, publisher, edition_year, pupils, fund, write_off,
    from_orf, need_reason. The checker loads what it needs in a fixed number of queries (the
    ФПУ entries named, the контингент), whatever the number of rows.
    """

    def __init__(self, submission):
        self.submission = submission
        self.start_year = submission.campaign.start_year
        self.enrollment = dict(
            Enrollment.objects.filter(
                school_id=submission.school_id, start_year=self.start_year
            ).values_list("grade", "pupils")
        )

    def _load_fpu(self, raws: list[dict]):
        codes = {cell_text(raw.get("code")).rstrip(".") for raw in raws} - {""}
        by_code = FpuEntry.objects.in_bulk(codes, field_name="code") if codes else {}
        titles = {
            cell_text(raw.get("title"))
            for raw in raws
            if not cell_text(raw.get("code")) and cell_text(raw.get("title"))
        }
        by_text = {}
        if titles:
            # Case-insensitive in Python (SQLite folds ASCII only): candidates by exact title.
            variants = titles | {t.lower() for t in titles} | {t.capitalize() for t in titles}
            for entry in FpuEntry.objects.filter(title__in=variants):
                by_text.setdefault((_key_text(entry.authors), _key_text(entry.title)), []).append(
                    entry
                )
        return by_code, by_text

    def check(self, raws: list[tuple[int | str, dict]]) -> list[ParsedRow]:
        """raws: (row label — an Excel row number or a grid line, raw values)."""
        by_code, by_text = self._load_fpu([raw for _label, raw in raws])
        result, seen = [], {}
        for label, raw in raws:
            row = ParsedRow(label)
            values = self._check_one(raw, row, by_code, by_text)
            if values is not None and not row.errors:
                entry = values["fpu_entry"]
                key = textbook_key(
                    values["grade"], entry and entry.pk, values["authors"], values["title"]
                )
                if key in seen:
                    row.errors.append(
                        f"этот учебник для {values['grade']} класса уже указан (строка {seen[key]})"
                    )
                seen.setdefault(key, label)
            row.values = values or {}
            result.append(row)
        return result

    def _check_one(self, raw, row, by_code, by_text) -> dict | None:
        errors, warnings = row.errors, row.warnings
        grade = None
        try:
            grade = cell_int(raw.get("grade"), "Класс", minimum=1)
            if grade not in GRADES:
                errors.append("«Класс»: допустимы классы с 1 по 11.")
                grade = None
        except ValidationError as error:
            errors.extend(error.messages)
        numbers = {}
        for name, label, required in NUMBER_FIELDS:
            try:
                numbers[name] = cell_int(raw.get(name), label, required=required) or 0
            except ValidationError as error:
                errors.extend(error.messages)
        edition_year = None
        try:
            edition_year = cell_int(raw.get("edition_year"), "Год издания", required=False)
            if edition_year is not None and not 1950 <= edition_year <= self.start_year + 1:
                errors.append(f"«Год издания»: {edition_year} — такого года издания быть не может.")
        except ValidationError as error:
            errors.extend(error.messages)
        if numbers.get("write_off", 0) > numbers.get("fund", 0) and "fund" in numbers:
            errors.append("«Подлежит списанию» больше, чем «В фонде».")
        reason_text = _key_text(raw.get("need_reason"))
        reason = ""
        if reason_text:
            reason = REASONS_BY_TEXT.get(reason_text, "")
            if not reason:
                errors.append(
                    f"«Причина потребности»: «{cell_text(raw.get('need_reason'))}» не из списка ("
                    + ", ".join(label for _v, label in NeedReason.choices)
                    + ")."
                )
        subject = cell_text(raw.get("subject"))[:200]
        if not subject:
            errors.append("«Предмет»: не заполнено.")
        for name in ("subject", "code", "authors", "title"):
            if is_formula(raw.get(name)):
                errors.append(f"в ячейке формула вместо текста ({raw.get(name)})")
        code = cell_text(raw.get("code")).rstrip(".")
        authors = cell_text(raw.get("authors"))[:500]
        title = cell_text(raw.get("title"))[:500]
        publisher = cell_text(raw.get("publisher"))[:300]
        entry = None
        if code:
            entry = by_code.get(code)
            if entry is None:
                errors.append(f"«Код ФПУ»: учебника с кодом {code} нет в федеральном перечне.")
        elif title:
            candidates = by_text.get((_key_text(authors), _key_text(title)), [])
            if not authors:  # a title alone is enough when it is unique
                candidates = [
                    e for key, es in by_text.items() if key[1] == _key_text(title) for e in es
                ]
            if grade:
                candidates = [e for e in candidates if e.grade_mask & (1 << grade)]
            if len(candidates) == 1:
                entry = candidates[0]
            else:
                warnings.append("учебник не найден в ФПУ: строка учитывается как «вне ФПУ»")
        else:
            errors.append("Укажите «Код ФПУ» или автора и наименование учебника.")
        if errors:
            return None
        is_usable = True
        if entry is not None:
            authors, title, publisher = entry.authors, entry.title, entry.publisher
            if not entry.is_usable_in(self.start_year):
                is_usable = False
                warnings.append(
                    f"учебник нельзя использовать в {year_label(self.start_year)} учебном году: "
                    f"срок использования до {entry.end_date:%d.%m.%Y}; экземпляры не учитываются"
                )
            if grade and not entry.grade_mask & (1 << grade):
                warnings.append(f"учебник предназначен для {entry.grades} кл., а указан {grade}")
        expected = self.enrollment.get(grade)
        if expected is not None and numbers["pupils"] != expected:
            warnings.append(
                f"обучающихся {numbers['pupils']}, а по контингенту в {grade} классе {expected}"
            )
        usable = usable_copies(
            numbers["fund"], numbers["write_off"], numbers["from_orf"], is_usable
        )
        percent = provision_percent(numbers["pupils"], usable)
        if percent is not None and percent < 100:
            warnings.append(f"обеспеченность {format_number(percent, 1)} %")
        return {
            "grade": grade,
            "subject": subject,
            "fpu_entry": entry,
            "authors": authors,
            "title": title,
            "publisher": publisher,
            "edition_year": edition_year,
            "need_reason": reason,
            "is_usable": is_usable,
            "warnings": "\n".join(warnings),
            **numbers,
        }


NUMBER_FIELDS = [
    ("pupils", "Обучающихся", True),
    ("fund", "В фонде", True),
    ("write_off", "Подлежит списанию", False),
    ("from_orf", "Получено из ОРФ", False),
]


# --- The school file -----------------------------------------------------------------------------

TEMPLATE_HEADERS = [
    ("grade", "Класс"),
    ("subject", "Предмет"),
    ("code", "Код ФПУ"),
    ("authors", "Авторы"),
    ("title", "Наименование"),
    ("publisher", "Издатель"),
    ("edition_year", "Год издания"),
    ("pupils", "Обучающихся"),
    ("fund", "В фонде"),
    ("write_off", "Подлежит списанию"),
    ("from_orf", "Получено из ОРФ"),
    ("need_reason", "Причина потребности"),
]
PROVISION_HEADERS = {
    "code": ["код фпу", "код", "порядковый номер"],
    "grade": ["класс"],
    "subject": ["предмет"],
    "authors": ["автор"],
    "title": ["наименование", "название"],
    "publisher": ["издател"],
    "edition_year": ["год издания"],
    "pupils": ["обучающихся", "количество обучающихся", "кол во обучающихся"],
    "write_off": ["подлежит списанию", "из них подлежит списанию", "к списанию"],
    "fund": ["в фонде", "экземпляров в фонде", "фонд"],
    "from_orf": ["получено из орф", "из орф"],
    "need_reason": ["причина"],
}
PROVISION_REQUIRED = {"grade", "subject", "pupils", "fund"}
MAX_FILE_ROWS = 5000


def parse_provision(data: bytes, submission) -> ParsedFile:
    """A school's file checked row by row against the ФПУ and its контингент."""
    result = ParsedFile()
    try:
        rows = read_sheet(data)
    except ValidationError as error:
        result.errors.extend(error.messages)
        return result
    start, columns = find_header(rows, PROVISION_HEADERS, PROVISION_REQUIRED)
    if columns is None or not {"code", "title"} & columns.keys():
        result.errors.append(
            "Не найдена строка заголовков: нужны столбцы «Класс», «Предмет», «Код ФПУ» (или "
            "«Наименование»), «Обучающихся», «В фонде». Скачайте шаблон и заполните его."
        )
        return result
    body = rows[start + 1 :]
    if len(body) > MAX_FILE_ROWS:
        result.errors.append(f"В файле больше {MAX_FILE_ROWS} строк: разделите его на части.")
        return result
    raws = []
    for number, values in body:
        raw = {
            name: values[index] if index < len(values) else None for name, index in columns.items()
        }
        raws.append((number, raw))
    result.rows = ProvisionChecker(submission).check(raws)
    if not result.rows:
        result.errors.append("Под строкой заголовков нет ни одной строки с данными.")
    return result


# --- Контингент ----------------------------------------------------------------------------------

ENROLLMENT_HEADERS = {
    "grade": ["класс"],
    "pupils": ["обучающихся", "количество обучающихся", "кол во обучающихся", "контингент"],
}


def parse_enrollment(data: bytes) -> ParsedFile:
    """Pupils per grade from a file with the columns «Класс» and «Обучающихся» (form ОО-1)."""
    result = ParsedFile()
    try:
        rows = read_sheet(data)
    except ValidationError as error:
        result.errors.extend(error.messages)
        return result
    start, columns = find_header(rows, ENROLLMENT_HEADERS, {"grade", "pupils"})
    if columns is None:
        result.errors.append("Не найдена строка заголовков: нужны столбцы «Класс» и «Обучающихся».")
        return result
    seen = {}
    for number, values in rows[start + 1 :]:
        row = ParsedRow(number)
        cells = {name: values[i] if i < len(values) else None for name, i in columns.items()}
        try:
            grade = cell_int(cells["grade"], "Класс", minimum=1)
            if grade not in GRADES:
                raise ValidationError("«Класс»: допустимы классы с 1 по 11.")
            if grade in seen:
                row.errors.append(f"{grade} класс уже указан в строке {seen[grade]}")
            seen.setdefault(grade, number)
            row.values["grade"] = grade
        except ValidationError as error:
            row.errors.extend(error.messages)
        try:
            row.values["pupils"] = cell_int(cells["pupils"], "Обучающихся")
        except ValidationError as error:
            row.errors.extend(error.messages)
        result.rows.append(row)
    if not result.rows:
        result.errors.append("Под строкой заголовков нет ни одной строки с данными.")
    return result


# --- ОРФ: a school's offers and needs ------------------------------------------------------------

OFFER_TEMPLATE_HEADERS = [
    ("code", "Код ФПУ"),
    ("authors", "Авторы"),
    ("title", "Наименование"),
    ("edition_year", "Год издания"),
    ("copies", "Экземпляров"),
    ("condition", "Состояние"),
    ("price", "Цена за экз."),
    ("available_from", "Можно передать с"),
    ("available_until", "Можно передать до"),
    ("note", "Примечание"),
]
NEED_TEMPLATE_HEADERS = [
    ("code", "Код ФПУ"),
    ("authors", "Авторы"),
    ("title", "Наименование"),
    ("grade", "Класс"),
    ("copies", "Экземпляров"),
    ("needed_by", "Нужно к"),
    ("note", "Примечание"),
]
DECLARATION_HEADERS = {
    "code": ["код фпу", "код"],
    "authors": ["автор"],
    "title": ["наименование", "название"],
    "edition_year": ["год издания"],
    "copies": ["экземпляров", "количество", "кол во"],
    "condition": ["состояние"],
    "price": ["цена"],
    "available_from": ["можно передать с", "с даты"],
    "available_until": ["можно передать до", "до даты"],
    "grade": ["класс"],
    "needed_by": ["нужно к", "срок"],
    "note": ["примечание"],
}


def _price(value) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    text = cell_text(value).replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        price = Decimal(text).quantize(Decimal("0.01"))
    except ArithmeticError:
        raise ValueError(f"«Цена за экз.»: «{cell_text(value)}» — не число") from None
    if price < 0:
        raise ValueError("«Цена за экз.»: не может быть меньше нуля")
    return price


def _declaration_rows(data: bytes, required: set, hint: str):
    result = ParsedFile()
    try:
        rows = read_sheet(data)
    except ValidationError as error:
        result.errors.extend(error.messages)
        return result, []
    start, columns = find_header(rows, DECLARATION_HEADERS, required)
    if columns is None:
        result.errors.append(f"Не найдена строка заголовков: нужны столбцы {hint}.")
        return result, []
    body = rows[start + 1 :]
    if len(body) > MAX_FILE_ROWS:
        result.errors.append(f"В файле больше {MAX_FILE_ROWS} строк: разделите его на части.")
        return result, []
    raws = [
        (number, {name: values[i] if i < len(values) else None for name, i in columns.items()})
        for number, values in body
    ]
    codes = {cell_text(raw.get("code")).rstrip(".") for _n, raw in raws} - {""}
    by_code = FpuEntry.objects.in_bulk(codes, field_name="code") if codes else {}
    return result, [(number, raw, by_code) for number, raw in raws]


CONDITIONS_BY_TEXT = {label: value for value, label in Condition.choices}


def parse_offers(data: bytes) -> ParsedFile:
    """A school's surplus file: «Код ФПУ», «Экземпляров», and optionally year, condition,
    price, dates, note. Every row must name a textbook of the list by its code."""
    result, raws = _declaration_rows(data, {"code", "copies"}, "«Код ФПУ» и «Экземпляров»")
    for number, raw, by_code in raws:
        row = ParsedRow(number)
        code = cell_text(raw.get("code")).rstrip(".")
        entry = by_code.get(code)
        if not code:
            row.errors.append("«Код ФПУ»: не заполнено.")
        elif entry is None:
            row.errors.append(f"«Код ФПУ»: учебника с кодом {code} нет в федеральном перечне.")
        values = {"fpu_entry": entry, "note": cell_text(raw.get("note"))[:500]}
        try:
            values["copies"] = cell_int(raw.get("copies"), "Экземпляров", minimum=1)
        except ValidationError as error:
            row.errors.extend(error.messages)
        try:
            values["edition_year"] = cell_int(
                raw.get("edition_year"), "Год издания", required=False
            )
            if values["edition_year"] is not None and not 1950 <= values["edition_year"] <= 2100:
                row.errors.append("«Год издания»: такого года издания быть не может.")
        except ValidationError as error:
            row.errors.extend(error.messages)
        condition_text = _key_text(raw.get("condition"))
        values["condition"] = CONDITIONS_BY_TEXT.get(condition_text or "хорошее")
        if values["condition"] is None:
            row.errors.append(
                f"«Состояние»: «{cell_text(raw.get('condition'))}» не из списка ("
                + ", ".join(label for _v, label in Condition.choices)
                + ")."
            )
        for name in ("available_from", "available_until", "price"):
            try:
                value = raw.get(name)
                values[name] = _price(value) if name == "price" else parse_date(value)
            except ValueError as error:
                row.errors.append(str(error))
        if (
            values.get("available_from")
            and values.get("available_until")
            and values["available_until"] < values["available_from"]
        ):
            row.errors.append("«Можно передать до» раньше, чем «Можно передать с».")
        row.values = values
        result.rows.append(row)
    if not result.rows and not result.errors:
        result.errors.append("Под строкой заголовков нет ни одной строки с данными.")
    return result


def parse_needs(data: bytes) -> ParsedFile:
    """A school's needs file: «Класс», «Экземпляров» and the textbook by «Код ФПУ» or, when any
    edition will do, by «Авторы» and «Наименование»."""
    result, raws = _declaration_rows(
        data,
        {"grade", "copies", "title"},
        "«Код ФПУ» (или «Авторы» и «Наименование»), «Класс» и «Экземпляров»",
    )
    for number, raw, by_code in raws:
        row = ParsedRow(number)
        code = cell_text(raw.get("code")).rstrip(".")
        entry = by_code.get(code) if code else None
        authors = cell_text(raw.get("authors"))[:500]
        title = cell_text(raw.get("title"))[:500]
        if code and entry is None:
            row.errors.append(f"«Код ФПУ»: учебника с кодом {code} нет в федеральном перечне.")
        elif entry is None and not title:
            row.errors.append("Укажите «Код ФПУ» или авторов и наименование учебника.")
        if entry is not None:
            authors, title = entry.authors, entry.title
        values = {
            "fpu_entry": entry,
            "authors": authors,
            "title": title,
            "note": cell_text(raw.get("note"))[:500],
        }
        try:
            grade = cell_int(raw.get("grade"), "Класс", minimum=1)
            if grade not in GRADES:
                row.errors.append("«Класс»: допустимы классы с 1 по 11.")
            elif entry is not None and not entry.grade_mask & (1 << grade):
                row.errors.append(f"«Класс»: учебник с кодом {entry.code} — для {entry.grades} кл.")
            values["grade"] = grade
        except ValidationError as error:
            row.errors.extend(error.messages)
        try:
            values["copies"] = cell_int(raw.get("copies"), "Экземпляров", minimum=1)
        except ValidationError as error:
            row.errors.extend(error.messages)
        try:
            values["needed_by"] = parse_date(raw.get("needed_by"))
        except ValueError as error:
            row.errors.append(str(error))
        row.values = values
        result.rows.append(row)
    if not result.rows and not result.errors:
        result.errors.append("Под строкой заголовков нет ни одной строки с данными.")
    return result
