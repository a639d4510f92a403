"""metodkab.lib.xlsx: what a hostile or broken upload gets."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from metodkab.lib import xlsx

from .factories import xlsx_bytes


def message(action) -> str:
    with pytest.raises(ValidationError) as error:
        action()
    return error.value.messages[0]


def test_it_refuses_files_over_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * 2000)
    assert "больше" in message(lambda: xlsx.read_upload(upload))


def test_it_checks_the_content_not_the_name():
    assert "не файл Excel" in message(lambda: xlsx.check_xlsx("name;count\nА;1\n".encode()))
    assert ".xls" in message(lambda: xlsx.check_xlsx(b"\xd0\xcf\x11\xe0" + b"0" * 100))
    assert "пустой" in message(lambda: xlsx.check_xlsx(b""))


def test_it_refuses_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "не содержит книги Excel" in message(lambda: xlsx.check_xlsx(buffer.getvalue()))


def test_it_refuses_a_zip_bomb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    assert "слишком большой объём" in message(lambda: xlsx.check_xlsx(buffer.getvalue()))


def test_it_refuses_xml_entity_tricks():
    data = xlsx_bytes([["Класс"], [5]])
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b"<worksheet",
                    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><worksheet',
                    1,
                )
            target.writestr(item, content)
    text = message(lambda: xlsx.read_sheet(buffer.getvalue()))
    assert "Не удалось прочитать" in text


def test_it_skips_hidden_sheets_and_blank_rows():
    data = xlsx_bytes([["Класс"], [], [5], [None, ""]], hidden_first=True)
    sheet = xlsx.first_visible_sheet(xlsx.open_workbook(data))
    assert [(n, values[0]) for n, values in xlsx.sheet_rows(sheet)] == [(1, "Класс"), (3, 5)]


def test_merged_cells_read_as_their_top_left_value():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Заголовок", None])
    sheet.merge_cells("A1:B1")
    sheet.append([1, 2])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = list(xlsx.sheet_rows(xlsx.first_visible_sheet(xlsx.open_workbook(buffer.getvalue()))))
    assert rows[0][1][0] == "Заголовок"


@pytest.mark.parametrize(
    "value, expected", [(12, 12), (12.0, 12), ("12", 12), (" 1 200 ", 1200), ("0", 0)]
)
def test_cell_int_accepts_whole_numbers(value, expected):
    assert xlsx.cell_int(value, "В фонде") == expected


@pytest.mark.parametrize(
    "value, text",
    [
        ("=A1+B1", "формула"),
        ("много", "целое число"),
        (12.5, "целое число"),
        (-1, "меньше 0"),
        (None, "не заполнено"),
        (True, "целое число"),
    ],
)
def test_cell_int_explains_bad_values(value, text):
    assert text in message(lambda: xlsx.cell_int(value, "В фонде"))


def test_stash_keeps_the_file_between_requests(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = xlsx_bytes([["a"]])
    token = xlsx.stash_upload(data)
    assert xlsx.read_stash(token) == data
    xlsx.drop_stash(token)
    assert "Загрузите его ещё раз" in message(lambda: xlsx.read_stash(token))
    assert "Загрузите его ещё раз" in message(lambda: xlsx.read_stash("../../etc/passwd"))


def test_abandoned_uploads_are_removed_after_a_day(settings, tmp_path):
    import os
    import time

    settings.MEDIA_ROOT = tmp_path
    old = xlsx.stash_upload(b"old upload")
    old_path = tmp_path / "uploads" / f"{old}.xlsx"
    day_ago = time.time() - xlsx.STASH_LIFETIME_SECONDS - 60
    os.utime(old_path, (day_ago, day_ago))
    fresh = xlsx.stash_upload(b"fresh upload")
    assert not old_path.exists()
    assert xlsx.read_stash(fresh) == b"fresh upload"
