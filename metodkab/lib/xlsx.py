"""Reading uploaded .xlsx files safely, for every importer of the product.

An upload is checked before openpyxl sees it: its size, that it really is an .xlsx (by content, not
by name), and that its zip archive does not expand into something huge (a zip bomb). openpyxl
parses the XML with defusedxml when it is installed (requirements.txt pins it), which refuses
entity tricks; `open_workbook` asserts that, so a missing defusedxml fails loudly.

    data = read_upload(request.FILES["file"])      # bytes, or ValidationError in Russian
    workbook = open_workbook(data)                 # read-only, formulas kept as "=..." text
    sheet = first_visible_sheet(workbook)
    for number, values in sheet_rows(sheet): ...   # blank rows skipped, numbered as in Excel
    read_sheet(data)                               # all of the above in one call
    cell_int(value, "Обучающихся")                 # int, or ValidationError in Russian
    token = stash_upload(data) ... read_stash(token)  # the file between preview and confirmation
"""

import hashlib
import io
import re
import time
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import openpyxl.xml
from django.conf import settings
from django.core.exceptions import ValidationError

# A real school file of a few thousand rows unpacks to a few megabytes; 200 MB is far beyond any
# honest file and far below what hurts the server.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
MAX_COMPRESSION_RATIO = 200

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_upload(upload, *, max_bytes: int | None = None) -> bytes:
    """The bytes of an uploaded file (Django UploadedFile or a binary file object), after the
    size check; the content checks happen in `check_xlsx`."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(_too_big(max_bytes))
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationError(_too_big(max_bytes))
    check_xlsx(data)
    return data


def _too_big(max_bytes: int) -> str:
    return f"Файл больше {max_bytes // (1024 * 1024)} МБ. Загрузите файл поменьше."


def check_xlsx(data: bytes) -> None:
    """Raises ValidationError unless data is an .xlsx workbook that unpacks to a sane size."""
    if not data:
        raise ValidationError("Файл пустой.")
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(_too_big(settings.UPLOAD_MAX_BYTES))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError(
            "Это файл старого формата Excel (.xls). Откройте его в Excel и сохраните как «Книга "
            "Excel (.xlsx)»."
        )
    if not data.startswith(b"PK\x03\x04"):
        raise ValidationError("Это не файл Excel (.xlsx). Загрузите таблицу в формате .xlsx.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise ValidationError(
                    "Это не файл Excel (.xlsx): архив не содержит книги Excel. "
                    "Загрузите таблицу в формате .xlsx."
                )
            total = sum(entry.file_size for entry in entries)
            packed = sum(entry.compress_size for entry in entries) or 1
            if (
                len(entries) > MAX_ZIP_ENTRIES
                or total > MAX_UNCOMPRESSED_BYTES
                or total / packed > MAX_COMPRESSION_RATIO
            ):
                raise ValidationError(
                    "Файл распаковывается в слишком большой объём данных и не будет прочитан. "
                    "Сохраните таблицу заново в Excel и загрузите ещё раз."
                )
    except zipfile.BadZipFile:
        raise ValidationError("Файл повреждён: это не файл Excel (.xlsx).") from None


def open_workbook(data: bytes):
    """A read-only openpyxl workbook of checked data. Formulas stay as their text ("=A1+B1"),
    so that importers can tell a formula from a number and say so."""
    assert openpyxl.xml.DEFUSEDXML, "defusedxml must be installed: openpyxl uses it for safety"
    check_xlsx(data)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds of errors on broken files
        raise ValidationError(
            "Не удалось прочитать файл Excel: он повреждён или сохранён не в формате .xlsx."
        ) from error


def first_visible_sheet(workbook):
    """The first sheet a person sees in Excel: hidden sheets (lists for drop-downs, leftovers of
    old forms) are skipped."""
    for sheet in workbook.worksheets:
        if getattr(sheet, "sheet_state", "visible") == "visible":
            return sheet
    raise ValidationError("В файле нет ни одного видимого листа.")


def sheet_rows(sheet) -> Iterator[tuple[int, tuple]]:
    """(Excel row number, values) of the non-blank rows; strings are stripped, empty strings are
    None. Merged cells read as the value in their top-left cell and None elsewhere."""
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cleaned = tuple(_clean(value) for value in values)
        if any(value is not None for value in cleaned):
            yield number, cleaned


def read_sheet(data: bytes) -> list[tuple[int, tuple]]:
    """The non-blank rows of the first visible sheet of checked data. Any failure while parsing
    (a broken file, an XML entity trick refused by defusedxml) becomes a Russian message."""
    workbook = open_workbook(data)
    try:
        return list(sheet_rows(first_visible_sheet(workbook)))
    except ValidationError:
        raise
    except Exception as error:
        raise ValidationError(
            "Не удалось прочитать лист Excel: файл повреждён или содержит недопустимые "
            "конструкции XML."
        ) from error
    finally:
        workbook.close()


def _clean(value):
    if isinstance(value, str):
        value = " ".join(value.split())
        return value or None
    return value


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_formula(value) -> bool:
    return isinstance(value, str) and value.startswith("=")


def cell_int(value, label: str, *, required: bool = True, minimum: int = 0) -> int | None:
    """An integer count from a cell: 12, 12.0, «12», «12 » pass; 12.5, «много», a formula, a
    negative number fail with a Russian message naming the column."""
    if value is None or value == "":
        if required:
            raise ValidationError(f"«{label}»: не заполнено.")
        return None
    if is_formula(value):
        raise ValidationError(f"«{label}»: в ячейке формула, а нужно число ({value}).")
    if isinstance(value, bool):
        raise ValidationError(f"«{label}»: нужно целое число, а указано «{value}».")
    if isinstance(value, str):
        text = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            value = Decimal(text)
        except ArithmeticError:
            raise ValidationError(f"«{label}»: нужно целое число, а указано «{value}».") from None
    if isinstance(value, datetime | date):
        raise ValidationError(f"«{label}»: нужно целое число, а указана дата.")
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError(f"«{label}»: нужно целое число, а указано «{value}».") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValidationError(f"«{label}»: нужно целое число, а указано «{value}».")
    if number < minimum:
        raise ValidationError(f"«{label}»: число не может быть меньше {minimum}.")
    if number > 10**9:
        raise ValidationError(f"«{label}»: слишком большое число.")
    return int(number)


def cell_text(value) -> str:
    """Any cell as text: numbers without a trailing «.0», dates as ДД.ММ.ГГГГ."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y")
    return " ".join(str(value).split())


# --- Keeping an upload between the preview and the confirmation ---------------------------------


def _stash_path(token: str):
    if not re.fullmatch(r"[0-9a-f]{64}", token or ""):
        raise ValidationError("Загруженный файл не найден. Загрузите его ещё раз.")
    return Path(settings.MEDIA_ROOT) / "uploads" / f"{token}.xlsx"


def stash_upload(data: bytes) -> str:
    """Keeps checked upload data for the confirmation step; returns its token (the SHA-256)."""
    token = file_hash(data)
    path = _stash_path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    purge_stale_stashes(path.parent)
    path.write_bytes(data)
    return token


STASH_LIFETIME_SECONDS = 24 * 3600


def purge_stale_stashes(folder) -> int:
    """Remove uploads whose preview was abandoned more than a day ago."""
    limit = time.time() - STASH_LIFETIME_SECONDS
    stale = [path for path in folder.glob("*.xlsx") if path.stat().st_mtime < limit]
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)


def read_stash(token: str) -> bytes:
    path = _stash_path(token)
    if not path.exists():
        raise ValidationError("Загруженный файл не найден. Загрузите его ещё раз.")
    return path.read_bytes()


def drop_stash(token: str) -> None:
    _stash_path(token).unlink(missing_ok=True)
