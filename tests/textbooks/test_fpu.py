from datetime import date
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.base import client_for, count_queries
from textbooks.importers import parse_fpu, parse_grades
from textbooks.models import Appendix, FpuEntry

from .factories import FPU_HEADER, make_fpu, xlsx_bytes

pytestmark = pytest.mark.django_db

ROWS = [
    ["1.1.1.1.1.1", "Горецкий В.Г. и др.", "Азбука", "1", "Просвещение", None],
    ["1.1.2.4.1.1.1", "Виленкин Н.Я.", "Математика", "5-6", "Просвещение", None],
    ["1.1.2.5.1.1.1", "Пёрышкин А.В.", "Физика", "7–9", "Дрофа", None],
    ["2.1.1.1.1.1", "Канакина В.П.", "Русский язык", "1,2", "Просвещение", "31.05.2025"],
]


def fpu_file(rows=ROWS, header=FPU_HEADER, **kwargs):
    return xlsx_bytes([header, *rows], **kwargs)


@pytest.mark.parametrize(
    "text, grades",
    [("5", [5]), ("5-9", [5, 6, 7, 8, 9]), ("10–11", [10, 11]), ("1,2", [1, 2]), (5, [5])],
)
def test_it_parses_grade_forms(text, grades):
    assert parse_grades(text) == grades


@pytest.mark.parametrize("text", ["", "12", "9-5", "пятый"])
def test_it_rejects_bad_grades(text):
    with pytest.raises(ValueError):
        parse_grades(text)


def test_it_finds_headers_below_merged_title_rows():
    data = fpu_file(
        title_rows=[["Федеральный перечень учебников"], [], ["Приложение № 1 к приказу"]]
    )
    parsed = parse_fpu(data)
    assert parsed.ok, parsed.errors
    assert [row.values["code"] for row in parsed.rows][:2] == ["1.1.1.1.1.1", "1.1.2.4.1.1.1"]
    assert parsed.rows[2].values["grades"] == "7-9"
    assert parsed.rows[3].values["end_date"] == date(2025, 5, 31)


def test_it_accepts_header_variants_and_the_appendix_column():
    header = [
        "Код",
        "Авторы",
        "Наименование",
        "Класс",
        "Издательство",
        "Срок действия",
        "Приложение",
    ]
    rows = [["1.2.3", "А.", "Б", "5", "В", "01.09.2026", "Приложение 2"]]
    parsed = parse_fpu(fpu_file(rows, header))
    assert parsed.ok
    assert parsed.rows[0].values["appendix"] == Appendix.EXCLUDED


def test_it_reports_missing_headers():
    parsed = parse_fpu(xlsx_bytes([["что-то", "другое"], ["1", "2"]]))
    assert not parsed.ok
    assert "Не найдена строка заголовков" in parsed.errors[0]


def test_it_reports_bad_rows_in_russian():
    rows = [["abc", "А.", "Б", "5", "В", None], ["1.2", "А.", "Б", "13", "В", "потом"]]
    parsed = parse_fpu(fpu_file(rows))
    assert "код «abc» не похож на код ФПУ" in parsed.rows[0].errors[0]
    assert any("класс" in e for e in parsed.rows[1].errors)
    assert any("дата «потом»" in e for e in parsed.rows[1].errors)


def test_command_imports_then_a_newer_order_updates_and_keeps_history(tmp_path):
    path = tmp_path / "fpu.xlsx"
    path.write_bytes(fpu_file())
    out = StringIO()
    call_command("import_fpu", str(path), "--order", "№ 858 от 21.09.2022", stdout=out)
    assert "добавлено 4" in out.getvalue()
    excluded = [
        ["1.1.2.4.1.1.1", "Виленкин Н.Я.", "Математика", "5-6", "Просвещение", "31.05.2025"]
    ]
    path.write_bytes(fpu_file(excluded))
    call_command(
        "import_fpu", str(path), "--order", "№ 119 от 21.02.2024", "--appendix", "2", stdout=out
    )
    entry = FpuEntry.objects.get(code="1.1.2.4.1.1.1")
    assert entry.appendix == Appendix.EXCLUDED
    assert entry.order.title == "№ 119 от 21.02.2024"
    assert entry.history.count() == 2
    assert entry.history.earliest().order.title == "№ 858 от 21.09.2022"


def test_command_saves_nothing_from_a_file_with_errors(tmp_path):
    path = tmp_path / "fpu.xlsx"
    path.write_bytes(fpu_file([*ROWS, ["x", "", "", "5", "", ""]]))
    with pytest.raises(CommandError):
        call_command(
            "import_fpu", str(path), "--order", "№ 1", stdout=StringIO(), stderr=StringIO()
        )
    assert FpuEntry.objects.count() == 0


def test_status_is_shown_in_words():
    today = date(2024, 1, 10)
    assert make_fpu().status_on(today) == "действует"
    excluded = make_fpu(appendix=Appendix.EXCLUDED, end_date=date(2025, 5, 31))
    assert excluded.status_on(today) == "исключён, можно использовать до 31.05.2025"
    assert excluded.status_on(date(2025, 6, 1)) == "срок использования истёк"


def test_methodologist_uploads_previews_and_saves(client, methodologist):
    client_for(client, methodologist)
    url = reverse("textbooks:fpu-import")
    upload = SimpleUploadedFile("fpu.xlsx", fpu_file())
    response = client.post(url, {"order": "№ 858 от 21.09.2022", "appendix": 1, "file": upload})
    assert response.status_code == 200
    assert "Ошибок нет" in response.content.decode()
    assert FpuEntry.objects.count() == 0  # only a preview so far
    token = response.context["token"]
    response = client.post(
        url,
        {"token": token, "order": "№ 858 от 21.09.2022", "appendix": 1, "file_name": "fpu.xlsx"},
        follow=True,
    )
    assert "добавлено 4" in response.content.decode()
    assert FpuEntry.objects.count() == 4


def test_preview_lists_row_errors_and_offers_no_save(client, methodologist):
    client_for(client, methodologist)
    upload = SimpleUploadedFile("fpu.xlsx", fpu_file([["x", "", "", "5", "", ""]]))
    response = client.post(
        reverse("textbooks:fpu-import"), {"order": "№ 1", "appendix": 1, "file": upload}
    )
    text = response.content.decode()
    assert "Строка 2:" in text and "не указано наименование" in text
    assert "Сохранить перечень" not in text


def test_search_by_author_title_code_and_grade(client, librarian_a):
    make_fpu(authors="Виленкин Н.Я.", title="Математика", grades=[5, 6], code="1.1.2.4.1.1.1")
    make_fpu(authors="Пёрышкин А.В.", title="Физика", grades=[7], code="1.1.2.5.1.1.1")
    client_for(client, librarian_a)
    url = reverse("textbooks:fpu-list")
    for query in ["q=виленкин", "q=Математика", "q=1.1.2.4", "grade=6"]:
        response = client.get(f"{url}?{query}")
        assert list(response.context["page"]) == [FpuEntry.objects.get(code="1.1.2.4.1.1.1")]
    data = client.get(reverse("textbooks:fpu-search"), {"q": "физ", "grade": 7}).json()
    assert data["results"][0]["label"].startswith("Пёрышкин")


def test_fpu_list_query_count_does_not_grow(client, committee):
    client_for(client, committee)
    make_fpu()
    url = reverse("textbooks:fpu-list")
    few = count_queries(lambda: client.get(url))
    for _ in range(30):
        make_fpu()
    assert count_queries(lambda: client.get(url)) == few
