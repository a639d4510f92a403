"""Plan files (text copied from Word, .xlsx, .docx, our own .json export) read into one neutral
structure. Pure functions: nothing is saved here; plan.services.plan_import saves.

Every format becomes a list of rows (number, text, deadline, responsible) that one builder turns
into sections and items, so the rules below hold for all of them:
- a row marked as a heading (bold in text, merged across the row in a table) or a row whose
  number is a single «1.» / «I.» with no deadline is a section heading;
- a row with text is an item, numbered or not;
- a row without a number whose text starts with a lower-case letter continues the previous
  item (its text wrapped onto the next row), unless both rows have a deadline.
"""

import io
import json
import re
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from .deadlines import (
    DATE,
    MONTHS,
    NONE,
    ON_REQUEST,
    THROUGHOUT,
    TIMES_PER_YEAR,
    UNPARSED,
    Deadline,
)

KINDS = {THROUGHOUT, MONTHS, TIMES_PER_YEAR, DATE, ON_REQUEST, NONE, UNPARSED}

MAX_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 30
HEADER_SEARCH_ROWS = 20

NOT_A_PLAN_FILE = "Не удалось прочитать файл: это не текст, не .xlsx, не .docx и не .json."
NO_SECTION = "Без раздела"

NUMBER_RE = re.compile(r"(?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,6})[.)]?")
SECTION_NUMBER_RE = re.compile(r"(?:\d{1,3}|[IVXLC]{1,6})[.)]?")
# A number written at the start of the text: «1. Организация», «1.1 Формирование», «II. ...».
# It needs a dot or a bracket, so «8 Марта» or «2021 год» stay text.
LEADING_NUMBER_RE = re.compile(
    r"(?:[Рр]аздел\s+)?"
    r"(\d{1,3}(?:\.\d{1,3})*\.|\d{1,3}(?:\.\d{1,3})+|\d{1,3}\)|[IVXLC]{1,6}\.)"
    r"\s*(?![\d.])(\S.*)",
    re.DOTALL,
)
YEAR_RE = re.compile(r"(?<!\d)(\d{4})\s*[-‐‑‒–—―/]\s*(\d{4}|\d{2})(?!\d)")
TAG_RE = re.compile(r"</?(?:b|strong|i|em|u|span|p|br)\b[^>]*>", re.IGNORECASE)
BOLD_RE = re.compile(
    r"(?:<(?:b|strong)>|\*\*).*(?:</(?:b|strong)>|\*\*)", re.IGNORECASE | re.DOTALL
)
UNTABBED_HEADER_RE = re.compile(
    r"(?:№\s*(?:п\s*/\s*п)?\s*)?"
    r"(?:мероприяти[ея]|содержание работы|наименование мероприяти[йя])\s+"
    r"сроки?(?:\s+(?:выполнения|исполнения|проведения))?"
    r"(?:\s+ответственн\w*)?(?:\s+отметка о выполнении)?"
)

DEFAULT_COLUMNS = {"number": 0, "text": 1, "deadline": 2, "responsible": 3}


class PlanFileError(Exception):
    """The file is not a plan we can read; the message says why, in Russian."""


@dataclass
class ParsedItem:
    number: str
    text: str
    deadline_text: str
    responsible: str = ""
    line: int = 0  # line or row number in the source, for messages
    executions: list[tuple[date, str]] = field(default_factory=list)
    # The schedule stated in a .json export (it may have been set by hand); None elsewhere.
    schedule: Deadline | None = None


@dataclass
class ParsedSection:
    number: str
    title: str
    items: list[ParsedItem] = field(default_factory=list)
    line: int = 0


@dataclass
class ParsedPlan:
    title: str
    start_year: int | None
    sections: list[ParsedSection]
    warnings: list[str] = field(default_factory=list)  # in Russian

    @property
    def items_count(self) -> int:
        return sum(len(section.items) for section in self.sections)


# --- Small helpers -------------------------------------------------------------------------------


def clean(value: object) -> str:
    """A cell or line as text with runs of whitespace (non-breaking spaces too) collapsed."""
    if value is None:
        return ""
    text = str(value).replace("\ufeff", "").replace("\u200b", "")
    return " ".join(text.split())


def year_from_title(title: str) -> int | None:
    """«на 2020-2021 учебный год», «2020–2021 уч. год», «2020/2021», «2020-21» → 2020."""
    for match in YEAR_RE.finditer(title or ""):
        start, end = int(match[1]), match[2]
        end_year = int(end) if len(end) == 4 else start // 100 * 100 + int(end)
        if end_year == start + 1 and 1900 <= start <= 2200:
            return start
    return None


def _starts_lower(text: str) -> bool:
    """The text goes on from the row above: it starts with a lower-case letter or a comma."""
    text = text.lstrip("«\"'„“(")
    return text[:1].islower() or text[:1] in ",;:)"


def _header_role(cell: str) -> str | None:
    """What a table header cell names: number, text, deadline, responsible or mark."""
    name = clean(cell).casefold().replace("ё", "е").strip(" .:")
    if name.startswith("№") or name in {"n п/п", "no", "номер", "п/п", "номер п/п"}:
        return "number"
    if name.startswith(("мероприяти", "содержание", "наименование мероприяти")):
        return "text"
    if name.startswith("срок") or name in {"дата проведения", "дата выполнения"}:
        return "deadline"
    if name.startswith(("ответственн", "исполнител")):
        return "responsible"
    if name.startswith("отметка"):
        return "mark"
    return None


def _header_columns(cells: list[str]) -> dict[str, int] | None:
    """Column positions by role when the cells are a header row (it names at least the text
    and deadline columns)."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        role = _header_role(cell)
        if role and len(clean(cell)) <= 60:
            columns.setdefault(role, index)
    return columns if {"text", "deadline"} <= columns.keys() else None


def _is_untabbed_header(line: str) -> bool:
    name = clean(line).casefold().replace("ё", "е")
    return bool(UNTABBED_HEADER_RE.fullmatch(name))


def _title(lines: list[str]) -> str:
    """The plan title from the lines above the table, without bold marks. When an approval block
    («УТВЕРЖДАЮ ...») comes first, the title starts at the line with «План»."""
    lines = [clean(TAG_RE.sub("", line).replace("**", "")) for line in lines]
    lines = [line for line in lines if line]
    start = next((i for i, line in enumerate(lines) if re.search(r"(?<!\w)план", line, re.I)), 0)
    return " ".join(lines[start:])


def _check_size(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        raise PlanFileError("Файл больше 10 МБ.")


def _zip_names(data: bytes) -> set[str]:
    """The names in a zip archive, after checking it unpacks to less than 100 MB."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise PlanFileError("Файл повреждён: не удалось открыть его как .xlsx или .docx.") from None
    if sum(info.file_size for info in infos) >= MAX_UNZIPPED_BYTES:
        raise PlanFileError("Файл после распаковки больше 100 МБ: такой план не загрузить.")
    return {info.filename for info in infos}


# --- Rows into sections and items ----------------------------------------------------------------


@dataclass
class _Row:
    """One row of any source. `marked`: the source shows it as a heading (bold, merged across
    the row); `plain`: a text line without columns."""

    line: int
    number: str = ""
    text: str = ""
    deadline: str = ""
    responsible: str = ""
    marked: bool = False
    plain: bool = False


class _Builder:
    def __init__(self, warnings: list[str] | None = None) -> None:
        self.sections: list[ParsedSection] = []
        self.warnings: list[str] = warnings if warnings is not None else []
        self.last_item: ParsedItem | None = None
        self.implicit_section = False

    def add(self, row: _Row) -> None:
        if self._is_noise(row):
            return
        row = _with_number(row)
        if self._wraps_heading(row):
            self.sections[-1].title = _join(self.sections[-1].title, row.text)
        elif _is_heading(row):
            self._open_section(row.number, row.text, row.line)
        elif self._wraps_item(row):
            self._continue_item(row)
        elif not row.text:
            self.warnings.append(_textless_warning(row))
        else:
            item = ParsedItem(row.number, row.text, row.deadline, row.responsible, line=row.line)
            self._add_item(item)

    def _is_noise(self, row: _Row) -> bool:
        """Empty rows, the header repeated (on every page of a Word table), the row numbering
        the columns (1 | 2 | 3 | 4) and signature lines."""
        if not (row.number or row.text or row.deadline or row.responsible):
            return True
        if _header_role(row.text) == "text" and _header_role(row.deadline) == "deadline":
            return True
        if row.text.isdigit() and (not row.deadline or row.deadline.isdigit()):
            return True
        if "___" in f"{row.number}{row.text}":
            self.warnings.append(f"Строка {row.line}: строка для подписи «{row.text}» пропущена.")
            return True
        return False

    def _wraps_heading(self, row: _Row) -> bool:
        """A heading line (bold or plain) going on from the heading above, which has no items."""
        section = self.sections[-1] if self.sections else None
        return (
            section is not None
            and not section.items
            and (row.marked or row.plain)
            and not (row.number or row.deadline or row.responsible)
            and _starts_lower(row.text)
        )

    def _wraps_item(self, row: _Row) -> bool:
        """An unnumbered row going on from the item above (its text wrapped onto this row);
        when both rows have a deadline, they are two items."""
        return (
            self.last_item is not None
            and not row.number
            and bool(row.text)
            and _starts_lower(row.text)
            and not (row.deadline and self.last_item.deadline_text)
        )

    def _open_section(self, number: str, title: str, line: int) -> None:
        key = number.rstrip(".)")
        if key and any(s.number.rstrip(".)") == key for s in self.sections):
            self.warnings.append(f"Строка {line}: номер раздела «{number}» повторяется.")
        self.sections.append(ParsedSection(number, title, line=line))
        self.last_item = None

    def _continue_item(self, row: _Row) -> None:
        item = self.last_item
        assert item is not None
        item.text = _join(item.text, row.text)
        item.deadline_text = item.deadline_text or row.deadline
        if row.responsible and row.responsible not in item.responsible:
            item.responsible = _join(item.responsible, row.responsible)

    def _add_item(self, item: ParsedItem) -> None:
        if not self.sections:
            self.sections.append(ParsedSection("", NO_SECTION, line=item.line))
            self.implicit_section = True
        section = self.sections[-1]
        self._check_number(section, item)
        section.items.append(item)
        self.last_item = item

    def _check_number(self, section: ParsedSection, item: ParsedItem) -> None:
        if not item.number:
            return
        key = item.number.rstrip(".)")
        for other in section.items:
            if other.number.rstrip(".)") == key:
                self.warnings.append(
                    f"Строка {item.line}: номер пункта «{item.number}» повторяется "
                    f"(строка {other.line})."
                )
                return
        section_key = section.number.rstrip(".)")
        parts = key.split(".")
        if section_key.isdigit() and len(parts) > 1 and parts[0] != section_key:
            self.warnings.append(
                f"Строка {item.line}: пункт «{item.number}» стоит в разделе «{section.number}»."
            )

    def finish(self, title: str) -> ParsedPlan:
        if not self.sections:
            raise PlanFileError(
                "В файле не найдено ни одного пункта плана. Ожидается таблица со столбцами "
                "«№ п/п», «Мероприятия», «Сроки выполнения»."
            )
        warnings = self.warnings
        if self.implicit_section:
            if len(self.sections) > 1:
                warnings.append(f"Пункты до первого раздела собраны в раздел «{NO_SECTION}».")
            else:
                warnings.append(f"Разделы не найдены: все пункты собраны в раздел «{NO_SECTION}».")
        for section in self.sections:
            if not section.items:
                name = f"{section.number} {section.title}".strip()
                warnings.append(f"Строка {section.line}: в разделе «{name}» нет пунктов.")
        return ParsedPlan(title, year_from_title(title), self.sections, warnings)


def _with_number(row: _Row) -> _Row:
    """The row with its number cleaned: «1. 1.» → «1.1.»; text typed into the № column moved to
    the text; a number written at the start of the text («1. Организация») taken out of it."""
    number, text = row.number, row.text
    if NUMBER_RE.fullmatch("".join(number.split())):
        number = "".join(number.split())
    elif number:
        number, text = "", f"{number} {text}".strip()
    if not number and (match := LEADING_NUMBER_RE.fullmatch(text)):
        number, text = match[1], match[2]
    return replace(row, number=number, text=text)


def _is_heading(row: _Row) -> bool:
    """A section heading: marked as one (bold, merged) or numbered «1.» / «I.», with text and
    no deadline or responsible person."""
    if not row.text or row.deadline or row.responsible:
        return False
    return row.marked or bool(row.number and SECTION_NUMBER_RE.fullmatch(row.number))


def _textless_warning(row: _Row) -> str:
    if row.number:
        return f"Строка {row.line}: пункт «{row.number}» без текста пропущен."
    if row.deadline:
        return f"Строка {row.line}: срок «{row.deadline}» без мероприятия пропущен."
    return f"Строка {row.line}: ответственный «{row.responsible}» без пункта пропущен."


def _join(first: str, second: str) -> str:
    """Two pieces of a wrapped text; a word broken at a hyphen («библиотечно-» + «информационных»)
    is joined without a space."""
    if not first:
        return second
    if re.search(r"\w-$", first):
        return first + second
    return f"{first} {second}"


# --- Entry point ---------------------------------------------------------------------------------


def parse_plan_file(data: bytes, filename: str = "") -> ParsedPlan:
    """Detect the format by content (the name only refines error messages) and parse.
    Raises PlanFileError with a Russian message."""
    _check_size(data)
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise PlanFileError("Файл пустой.")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        names = _zip_names(data)
        if "xl/workbook.xml" in names:
            return parse_plan_xlsx(data)
        if "word/document.xml" in names:
            return parse_plan_docx(data)
        if "content.xml" in names:
            raise PlanFileError(
                "Файлы LibreOffice (.ods, .odt) не читаются: сохраните план как .xlsx или .docx."
            )
        raise PlanFileError("Не удалось прочитать файл: это архив, но не .xlsx и не .docx.")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        kind = ".xls" if filename.lower().endswith(".xls") else ".doc или .xls"
        raise PlanFileError(
            f"Это файл старого формата ({kind}): сохраните его как .docx или .xlsx и загрузите "
            "снова."
        )
    if data.startswith(b"%PDF"):
        raise PlanFileError("PDF не читается: загрузите план как .docx, .xlsx или текст.")
    if data.startswith(b"{\\rtf"):
        raise PlanFileError("Файл RTF не читается: сохраните план как .docx.")
    text = _decode(data)
    if text.lstrip().startswith("{"):
        return parse_plan_json(data)
    return parse_plan_text(text)


def _decode(data: bytes) -> str:
    """Text in UTF-8 (with or without BOM), UTF-16 with BOM, or cp1251; junk is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise PlanFileError(NOT_A_PLAN_FILE) from None
    if b"\x00" in data:
        raise PlanFileError(NOT_A_PLAN_FILE)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            raise PlanFileError(NOT_A_PLAN_FILE) from None
    control = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f\v")
    if control > max(2, len(text) // 100):
        raise PlanFileError(NOT_A_PLAN_FILE)
    return text


# --- Text ----------------------------------------------------------------------------------------


def parse_plan_text(text: str) -> ParsedPlan:
    """A plan copied from Word as text: title lines, the header row, then rows of
    «number<TAB>text<TAB>deadline»; headings as «<b>1. Title</b>», «**1. Title**» or «1. Title»."""
    builder = _Builder()
    title_lines: list[str] = []
    columns = DEFAULT_COLUMNS
    in_table = False
    for line_number, line in enumerate(text.splitlines(), start=1):
        cells, marked = _text_cells(line)
        if not any(cells):
            continue
        header = _header_columns(cells)
        if header or (len(cells) == 1 and _is_untabbed_header(cells[0])):
            columns = header or DEFAULT_COLUMNS
            in_table = True
            continue
        if not in_table:
            if len(cells) == 1 and not LEADING_NUMBER_RE.fullmatch(cells[0]):
                title_lines.append(cells[0])
                continue
            in_table = True
        if len(cells) == 1:
            builder.add(_Row(line_number, text=cells[0], marked=marked, plain=True))
        else:
            builder.add(_row_from_cells(line_number, cells, columns, marked))
    return builder.finish(_title(title_lines))


def _text_cells(line: str) -> tuple[list[str], bool]:
    """The tab-separated cells of a line without markup, and whether the line is in bold."""
    raw = line.replace("\ufeff", "").split("\t")
    while raw and not raw[-1].strip():
        raw.pop()
    filled = "\t".join(cell.strip() for cell in raw if cell.strip())
    marked = bool(BOLD_RE.fullmatch(filled))
    return [clean(TAG_RE.sub("", cell).replace("**", "")) for cell in raw], marked


def _row_from_cells(line: int, cells: list[str], columns: dict[str, int], marked: bool) -> _Row:
    def cell(role: str) -> str:
        index = columns.get(role)
        return cells[index] if index is not None and index < len(cells) else ""

    return _Row(
        line,
        number=cell("number"),
        text=cell("text"),
        deadline=cell("deadline"),
        responsible=cell("responsible"),
        marked=marked,
    )


# --- Tables (.xlsx and .docx) --------------------------------------------------------------------


def _find_header(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = _header_columns(cells)
        if columns:
            return index, columns
    return None


def _no_columns_error(rows: list[list[str]], where: str) -> PlanFileError:
    """Which required columns are missing, and what the table's header row looks like."""
    candidates = rows[:HEADER_SEARCH_ROWS]
    best = max(candidates, key=lambda cells: sum(1 for c in cells if clean(c)), default=[])
    found = [_shorten(clean(cell)) for cell in best if clean(cell)][:10]
    roles = {_header_role(cell) for cells in candidates for cell in cells}
    missing = [
        name
        for role, name in (("text", "«Мероприятия»"), ("deadline", "«Сроки выполнения»"))
        if role not in roles
    ] or ["«Мероприятия»", "«Сроки выполнения»"]
    what = f"столбец {missing[0]}" if len(missing) == 1 else "столбцы " + " и ".join(missing)
    headers = ", ".join(f"«{cell}»" for cell in found) if found else "таблица пустая"
    return PlanFileError(
        f"В таблице ({where}) не найден{'ы' if len(missing) > 1 else ''} {what}. Нужны столбцы "
        f"«№ п/п», «Мероприятия», «Сроки выполнения» и, если есть, «Ответственный»; "
        f"найдены заголовки: {headers}."
    )


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _table_plan(
    rows: list[list[str]],
    header: tuple[int, dict[str, int]],
    title_lines: list[str],
    merged_rows: set[int] | None = None,
    warnings: list[str] | None = None,
) -> ParsedPlan:
    """A plan from table rows (cell texts); `merged_rows`: row numbers (1-based) with a cell
    merged across columns. Rows above the header add to the title."""
    header_index, columns = header
    merged_rows = merged_rows or set()
    for cells in rows[:header_index]:
        first = next((clean(cell) for cell in cells if clean(cell)), "")
        if first:
            title_lines = [*title_lines, first]
    builder = _Builder(warnings)
    for index in range(header_index + 1, len(rows)):
        cells = [clean(cell) for cell in rows[index]]
        filled = [cell for cell in cells if cell]
        distinct = list(dict.fromkeys(filled))
        line = index + 1
        if len(filled) > 1 and len(distinct) == 1:
            # One cell merged across the row (Word repeats its text in every grid cell).
            builder.add(_Row(line, text=distinct[0], marked=True))
            continue
        builder.add(_row_from_cells(line, cells, columns, marked=line in merged_rows))
    return builder.finish(_title(title_lines))


# --- .xlsx ---------------------------------------------------------------------------------------


def parse_plan_xlsx(data: bytes) -> ParsedPlan:
    """The first visible sheet that has the plan's header row (among its first 20 rows)."""
    _check_size(data)
    _zip_names(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a broken file
        raise PlanFileError("Файл .xlsx повреждён: не удалось его открыть.") from None
    try:
        sheets = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
        if not sheets:
            raise PlanFileError("В файле .xlsx нет видимых листов.")
        first_rows: list[list[str]] | None = None
        for sheet in sheets:
            warnings: list[str] = []
            try:
                ranges = _merged_ranges(data, sheet)
                rows = _sheet_rows(sheet, warnings)
            except PlanFileError:
                raise
            except Exception:  # a broken sheet inside a readable archive
                raise PlanFileError("Файл .xlsx повреждён: не удалось прочитать лист.") from None
            header = _find_header(rows)
            if header:
                merged_rows = _fill_merged(rows, ranges)
                return _table_plan(rows, header, [], merged_rows, warnings)
            if first_rows is None:
                first_rows = rows
        raise _no_columns_error(first_rows or [], f"лист «{sheets[0].title}»")
    finally:
        workbook.close()


def _sheet_rows(sheet, warnings: list[str]) -> list[list[str]]:
    rows = []
    for number, values in enumerate(
        sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True), start=1
    ):
        if number > MAX_ROWS:
            warnings.append(f"Прочитаны только первые {MAX_ROWS} строк листа «{sheet.title}».")
            break
        rows.append([_cell_text(value) for value in values])
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            f"{value:%d.%m.%Y}"
            if value.time() == datetime.min.time()
            else f"{value:%d.%m.%Y %H:%M}"
        )
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(value)


def _merged_ranges(data: bytes, sheet) -> list[tuple[int, int, int, int]]:
    """Merged cell ranges (min_col, min_row, max_col, max_row) of a sheet. The read-only mode of
    openpyxl does not read them, so they are taken from the sheet's XML."""
    path = getattr(sheet, "_worksheet_path", None)
    if not path:
        return []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            xml = archive.read(path.lstrip("/"))
        except KeyError:
            return []
    ranges = []
    for ref in re.findall(rb"<(?:\w+:)?mergeCell\b[^>]*\bref=\"([A-Z]+\d+:[A-Z]+\d+)\"", xml):
        min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
        ranges.append((min_col, min_row, max_col, max_row))
    return ranges


def _fill_merged(rows: list[list[str]], ranges: list[tuple[int, int, int, int]]) -> set[int]:
    """Copy a cell merged down several rows (a deadline shared by items) into each of them;
    return the rows that have a cell merged across columns."""
    across = set()
    for min_col, min_row, max_col, max_row in ranges:
        if max_col > min_col:
            across.add(min_row)
        if max_row > min_row and min_row <= len(rows) and min_col <= len(rows[min_row - 1]):
            value = rows[min_row - 1][min_col - 1]
            for row in rows[min_row : min(max_row, len(rows))]:
                if not row[min_col - 1]:
                    row[min_col - 1] = value
    return across


# --- .docx ---------------------------------------------------------------------------------------


def parse_plan_docx(data: bytes) -> ParsedPlan:
    """The first table with the plan's header row; the paragraphs before it are the title. A
    document without tables is read as text (the plan typed with tabs)."""
    _check_size(data)
    _zip_names(data)
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(document.iter_inner_content())
    except Exception:  # python-docx raises many kinds of errors on a broken file
        raise PlanFileError("Файл .docx повреждён: не удалось его открыть.") from None
    paragraphs: list[str] = []
    first_rows: list[list[str]] | None = None
    for block in blocks:
        if isinstance(block, Paragraph):
            paragraphs.append(_paragraph_text(block))
            continue
        if not isinstance(block, Table):
            continue
        try:
            rows = [[cell.text for cell in row.cells] for row in block.rows]
        except Exception:  # a table python-docx cannot lay out
            raise PlanFileError("Файл .docx повреждён: не удалось прочитать таблицу.") from None
        header = _find_header(rows)
        if header:
            return _table_plan(rows, header, paragraphs)
        if first_rows is None:
            first_rows = rows
    if first_rows is not None:
        raise _no_columns_error(first_rows, "документ Word")
    return parse_plan_text("\n".join(paragraphs))


def _paragraph_text(paragraph: Paragraph) -> str:
    """The paragraph's text, wrapped in <b></b> when all of it is bold (a heading)."""
    text = paragraph.text
    runs = [run for run in paragraph.runs if run.text.strip()]
    if text.strip() and runs and all(run.bold for run in runs):
        return f"<b>{text}</b>"
    return text


# --- .json (our export) --------------------------------------------------------------------------


def parse_plan_json(data: bytes) -> ParsedPlan:
    """The export format: {"year": "2020-2021", "title": ..., "sections": [{"number", "title",
    "items": [{"number", "text", "deadline": {"text", ...}, "responsible", "executions":
    [{"date": "2021-05-25", "note": ...}]}]}]}."""
    _check_size(data)
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise PlanFileError("Файл .json должен быть в кодировке UTF-8.") from None
    except json.JSONDecodeError as error:
        raise PlanFileError(
            f"Файл .json повреждён: ошибка в строке {error.lineno}, позиция {error.colno}."
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("sections"), list):
        raise PlanFileError(
            "Файл .json не похож на выгрузку плана: нет списка разделов «sections»."
        )
    warnings: list[str] = []
    title = _json_text(document.get("title"), "Название плана")
    start_year = _json_year(document.get("year"), title)
    sections = [
        _json_section(section, index, warnings)
        for index, section in enumerate(document["sections"], start=1)
    ]
    if not sections:
        raise PlanFileError("В файле .json нет ни одного раздела плана.")
    return ParsedPlan(title, start_year, sections, warnings)


def _json_text(value: object, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PlanFileError(f"Файл .json не похож на выгрузку плана: {where} — не текст.")
    return clean(value)


def _json_year(value: object, title: str) -> int | None:
    if value is None or value == "":
        return year_from_title(title)
    if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2200:
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return _json_year(int(value), title)
    year = year_from_title(value) if isinstance(value, str) else None
    if year is None:
        raise PlanFileError(
            f"Учебный год «{value}» в файле .json не распознан: нужно, например, «2020-2021»."
        )
    return year


def _json_section(value: object, index: int, warnings: list[str]) -> ParsedSection:
    where = f"раздел {index}"
    if not isinstance(value, dict):
        raise PlanFileError(f"Файл .json не похож на выгрузку плана: {where} — не объект.")
    items = value.get("items") or []
    if not isinstance(items, list):
        raise PlanFileError(f"Файл .json не похож на выгрузку плана: {where}, «items» — не список.")
    section = ParsedSection(
        number="".join(_json_text(value.get("number"), f"{where}, номер").split()),
        title=_json_text(value.get("title"), f"{where}, название"),
    )
    for item_index, item in enumerate(items, start=1):
        parsed = _json_item(item, f"{where}, пункт {item_index}", warnings)
        if parsed is not None:
            section.items.append(parsed)
    if not section.title and not section.number:
        warnings.append(f"В файле .json у раздела {index} нет ни номера, ни названия.")
    return section


def _json_item(value: object, where: str, warnings: list[str]) -> ParsedItem | None:
    if not isinstance(value, dict):
        raise PlanFileError(f"Файл .json не похож на выгрузку плана: {where} — не объект.")
    deadline = value.get("deadline")
    schedule = None
    if isinstance(deadline, dict):
        schedule = _json_schedule(deadline)
        deadline = deadline.get("text")
    item = ParsedItem(
        number="".join(_json_text(value.get("number"), f"{where}, номер").split()),
        text=_json_text(value.get("text"), f"{where}, текст"),
        deadline_text=_json_text(deadline, f"{where}, срок"),
        responsible=_json_text(value.get("responsible"), f"{where}, ответственный"),
        schedule=schedule,
    )
    if not item.text:
        warnings.append(f"В файле .json {where}: пункт без текста пропущен.")
        return None
    executions = value.get("executions") or []
    if not isinstance(executions, list):
        raise PlanFileError(
            f"Файл .json не похож на выгрузку плана: {where}, «executions» — не список."
        )
    for execution in executions:
        parsed = _json_execution(execution)
        if parsed is None:
            warnings.append(
                f"В файле .json {where}: отметка о выполнении {_shorten(str(execution), 60)} "
                "пропущена (нужны «date» в виде ГГГГ-ММ-ДД и «note»)."
            )
        else:
            item.executions.append(parsed)
    return item


def _json_schedule(value: dict) -> Deadline | None:
    """The exported schedule, or None when it is not one we know (the text is parsed then)."""
    kind, months = value.get("kind"), value.get("months") or []
    times, when = value.get("times_per_year"), value.get("date")
    try:
        day = date.fromisoformat(when) if when else None
        months = tuple(int(m) for m in months if 1 <= int(m) <= 12)
        times = int(times) if times else None
    except (TypeError, ValueError):
        return None
    if kind not in KINDS or (kind == DATE and day is None):
        return None
    return Deadline(
        text=str(value.get("text") or ""),
        kind=kind,
        months=months,
        times_per_year=times,
        day=day.day if day else None,
        month=day.month if day else None,
        year=day.year if day else None,
    )


def _json_execution(value: object) -> tuple[date, str] | None:
    if not isinstance(value, dict) or not isinstance(value.get("date"), str):
        return None
    try:
        when = date.fromisoformat(value["date"][:10])
    except ValueError:
        return None
    note = value.get("note")
    if not isinstance(note, str) or not note.strip():
        return None
    return when, note.strip()
