import io
from io import StringIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.base import client_for
from textbooks.importers import TEMPLATE_HEADERS, parse_provision
from textbooks.models import FpuEntry, ProvisionImport, ProvisionRow

from .factories import make_fpu, make_row, make_submission, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = [title for _name, title in TEMPLATE_HEADERS]


def school_file(rows, **kwargs) -> bytes:
    return xlsx_bytes([HEADER, *rows], **kwargs)


@pytest.fixture
def submission(librarian_a):
    return make_submission(librarian_a.school)


@pytest.fixture
def entries():
    return {
        "math": make_fpu(code="1.1.2.4.1.1.1", grades=[5, 6], authors="Виленкин Н.Я.",
                         title="Математика"),
        "russian": make_fpu(code="1.1.2.1.1.1.1", grades=[5], authors="Ладыженская Т.А.",
                            title="Русский язык"),
    }  # fmt: skip


def good_rows(entries):
    return [
        [5, "Математика", entries["math"].code, None, None, None, 2020, 25, 25, 0, 0, None],
        [5, "Русский язык", None, "Ладыженская Т.А.", "русский язык", None, 2019, 25, 20, 2, 0,
         "утрата"],
    ]  # fmt: skip


def test_template_has_the_headers_rows_and_a_grade_list(client, librarian_a, submission):
    make_row(submission, grade=7, pupils=30, fund=28)
    client_for(client, librarian_a)
    response = client.get(reverse("textbooks:submission-template", args=[submission.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet["A2"].value == 7 and sheet["H2"].value == 30
    validations = sheet.data_validations.dataValidation
    assert any(v.formula1 == '"1,2,3,4,5,6,7,8,9,10,11"' for v in validations)


def test_template_round_trips(client, librarian_a, submission):
    make_row(submission, grade=7, pupils=30, fund=28)
    client_for(client, librarian_a)
    data = client.get(reverse("textbooks:submission-template", args=[submission.pk])).content
    parsed = parse_provision(data, submission)
    assert parsed.ok, [r.errors for r in parsed.rows]
    assert parsed.rows[0].values["fund"] == 28


def test_it_matches_by_code_or_by_author_title_and_grade(submission, entries):
    parsed = parse_provision(school_file(good_rows(entries)), submission)
    assert parsed.ok, [r.errors for r in parsed.rows]
    assert [r.values["fpu_entry"] for r in parsed.rows] == [entries["math"], entries["russian"]]


def test_preview_then_save_all(client, librarian_a, submission, entries):
    client_for(client, librarian_a)
    url = reverse("textbooks:submission-import", args=[submission.pk])
    upload = SimpleUploadedFile("school.xlsx", school_file(good_rows(entries)))
    response = client.post(url, {"file": upload})
    assert "Ошибок нет: 2 строки" in response.content.decode()
    assert not submission.rows.exists()
    response = client.post(
        url, {"token": response.context["token"], "file_name": "school.xlsx"}, follow=True
    )
    assert "добавлено строк 2" in response.content.decode()
    assert submission.rows.count() == 2
    record = ProvisionImport.objects.get()
    assert (record.file_name, record.rows, record.imported_by) == ("school.xlsx", 2, librarian_a)


def test_a_file_with_one_bad_row_saves_nothing(client, librarian_a, submission, entries):
    rows = good_rows(entries) + [[5, "Физика", "9.9.9", None, None, None, None, "много", 3, 5,
                                  0, None]]  # fmt: skip
    client_for(client, librarian_a)
    url = reverse("textbooks:submission-import", args=[submission.pk])
    response = client.post(url, {"file": SimpleUploadedFile("s.xlsx", school_file(rows))})
    text = response.content.decode()
    assert "Строка 4:" in text
    assert "нет в федеральном перечне" in text and "нужно целое число" in text
    assert "больше, чем «В фонде»" in text
    assert "Сохранить все строки" not in text
    assert not submission.rows.exists()


def test_reimport_updates_matching_rows_and_removes_missing(submission, entries, librarian_a):
    from textbooks import services

    row = make_row(submission, entries["math"], grade=5, fund=10)
    make_row(submission, grade=9)
    parsed = parse_provision(school_file(good_rows(entries)), submission)
    counts = services.provision_import(
        submission=submission, parsed=parsed, user=librarian_a, file_name="f", file_hash="h"
    )
    assert counts == {"created": 1, "updated": 1, "deleted": 1}
    row.refresh_from_db()
    assert row.fund == 25 and row.history.count() == 2


def test_command_imports_and_exits_non_zero_on_errors(tmp_path, submission, entries):
    path = tmp_path / "school.xlsx"
    path.write_bytes(school_file(good_rows(entries)))
    out = StringIO()
    args = ["--school", submission.school.short_name, "--year", "2021-2022"]
    call_command("import_provision", str(path), *args, stdout=out)
    assert "добавлено 2" in out.getvalue()
    path.write_bytes(school_file([[13, "Физика", None, None, "X", None, None, 1, 1, 0, 0, None]]))
    with pytest.raises(CommandError, match="ничего не сохранено"):
        call_command("import_provision", str(path), *args, stdout=StringIO(), stderr=StringIO())
    assert submission.rows.count() == 2


@pytest.mark.parametrize(
    "data, message",
    [
        (b"just text", "не файл Excel"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 600, "старого формата"),
    ],
)
def test_bad_files_get_a_russian_message(client, librarian_a, submission, data, message):
    client_for(client, librarian_a)
    url = reverse("textbooks:submission-import", args=[submission.pk])
    response = client.post(url, {"file": SimpleUploadedFile("s.xlsx", data)})
    assert message in response.content.decode()


def test_an_upload_over_10_mb_is_refused(client, librarian_a, submission, settings):
    settings.UPLOAD_MAX_BYTES = 2048
    client_for(client, librarian_a)
    url = reverse("textbooks:submission-import", args=[submission.pk])
    response = client.post(url, {"file": SimpleUploadedFile("s.xlsx", b"PK\x03\x04" * 1000)})
    assert "Файл больше" in response.content.decode()


def test_formulas_hidden_sheets_blank_rows_and_title_rows(submission, entries):
    rows = [
        [5, "Математика", entries["math"].code, None, None, None, None, "=10+15", 25, 0, 0, None],
        [],
        [5, "Русский язык", entries["russian"].code, None, None, None, None, 25, 25, 0, 0, None],
    ]
    data = school_file(rows, title_rows=[["Отчёт школы"], []], hidden_first=True)
    parsed = parse_provision(data, submission)
    assert "в ячейке формула" in parsed.rows[0].errors[0]
    assert parsed.rows[1].ok and parsed.rows[1].number == 6


def test_it_explains_a_file_without_the_headers(submission):
    parsed = parse_provision(xlsx_bytes([["a", "b"], [1, 2]]), submission)
    assert "Не найдена строка заголовков" in parsed.errors[0]


cell_values = st.one_of(
    st.none(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30).filter(lambda s: not any(ord(c) < 32 for c in s)),
    st.sampled_from(["=A1", "1.1.2.4.1.1.1", "5-9", "утрата", "", " ", "1e400"]),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(cell_values, min_size=12, max_size=12), min_size=1, max_size=5))
def test_random_cells_never_cause_a_server_error(client, librarian_a, submission, rows):
    if not FpuEntry.objects.filter(code="1.1.2.4.1.1.1").exists():
        make_fpu(code="1.1.2.4.1.1.1", grades=[5])
    client_for(client, librarian_a)
    url = reverse("textbooks:submission-import", args=[submission.pk])
    before = ProvisionRow.objects.count()
    response = client.post(url, {"file": SimpleUploadedFile("r.xlsx", school_file(rows))})
    assert response.status_code == 200
    parsed = response.context["parsed"]
    if parsed.ok:
        response = client.post(url, {"token": response.context["token"], "file_name": "r.xlsx"})
        assert response.status_code == 302
    else:
        assert ProvisionRow.objects.count() == before  # nothing saved from a file with errors
