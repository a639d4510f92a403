"""Plan files read into sections and items: the seed text, .xlsx, .docx, the JSON export, junk."""

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.shared import Pt
from hypothesis import given, settings
from hypothesis import strategies as st

from plan import parsers
from plan.parsers import (
    PlanFileError,
    parse_plan_docx,
    parse_plan_file,
    parse_plan_json,
    parse_plan_text,
    parse_plan_xlsx,
    year_from_title,
)

DATA = Path(__file__).resolve().parent / "data"
SEED = DATA / "plan-2020-2021.txt"
SHARED_SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "plan-2020-2021.txt"
SEED_TITLE = (
    "План работы городского методического кабинета на 2020-2021 учебный год по "
    "информационно – библиографическому сопровождению"
)


def rows(plan) -> list[tuple[str, str, str, str]]:
    """(section number, item number, text, deadline) of every item, in order."""
    return [
        (section.number, item.number, item.text, item.deadline_text)
        for section in plan.sections
        for item in section.items
    ]


def items(plan) -> list[tuple[str, str, str, str]]:
    """(number, text, deadline, responsible) of every item, in order."""
    return [
        (item.number, item.text, item.deadline_text, item.responsible)
        for section in plan.sections
        for item in section.items
    ]


# --- The seed ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed():
    return parse_plan_file(SEED.read_bytes(), "plan-2020-2021.txt")


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="the shared seed folder is not here")
def test_the_shared_seed_parses_like_the_copy_in_the_tests(seed):
    assert SHARED_SEED.read_bytes() == SEED.read_bytes()
    shared = parse_plan_file(SHARED_SEED.read_bytes())
    assert rows(shared) == rows(seed)


def test_the_seed_has_three_sections_and_sixteen_items(seed):
    assert [(s.number, s.title) for s in seed.sections] == [
        ("1.", "Организация работы с фондом библиотечно-информационных ресурсов"),
        ("2.", "Информационно – библиографическая работа"),
        (
            "3.",
            "Организация по руководству МУМО школьных библиотекарей и оказанию им "
            "методической помощи",
        ),
    ]
    assert [len(s.items) for s in seed.sections] == [7, 5, 4]
    assert seed.items_count == 16


def test_the_seed_title_and_year_come_from_the_bold_lines_at_the_top(seed):
    assert seed.title == SEED_TITLE
    assert seed.start_year == 2020
    assert seed.warnings == []


def test_the_seed_keeps_unnumbered_items_in_place(seed):
    numbers = [[item.number for item in section.items] for section in seed.sections]
    assert numbers == [
        ["1.1.", "1.2.", "1.3.", "1.4.", "", "", ""],
        ["2.1.", "2.2.", "2.3.", "", ""],
        ["3.1.", "3.2.", "3.3.", "3.4."],
    ]
    first = seed.sections[0].items
    assert first[4].text.startswith("Мониторинг обеспеченности ОО учебной")
    assert first[4].text.endswith("инструкций по библиотечному делу.")
    assert first[4].deadline_text == "сентябрь"
    assert (first[5].deadline_text, first[6].text, first[6].deadline_text) == (
        "Июнь-август",
        "Освобождение фонда от устаревшей литературы",
        "1 раз в год",
    )


def test_an_unnumbered_row_without_deadline_and_with_a_capital_is_its_own_item(seed):
    contest, site = seed.sections[1].items[3:5]
    assert contest.text == (
        "Организация проведения муниципального конкурса «Лучшая школьная библиотека (БИЦ)"
    )
    assert contest.deadline_text == ""
    assert site.text.startswith("Участие в информационной поддержке сайта Комитета")
    assert site.deadline_text == "В течение года"


def test_item_3_2_is_joined_with_its_wrapped_line(seed):
    item = seed.sections[2].items[1]
    assert (item.number, item.text, item.deadline_text, item.line) == (
        "3.2.",
        "Оказание консультативной помощи школьным библиотекарям по всем вопросам организации "
        "библиотечной работы",
        "В течение года",
        25,
    )


def test_the_seed_keeps_the_text_of_each_row_as_written(seed):
    assert rows(seed)[7] == (
        "2.",
        "2.1.",
        "Организация тематических выставок: «Нормативные документы» «В помощь библиотекаря»",
        "В течение года",
    )
    last = seed.sections[2].items[3]
    assert (last.number, last.deadline_text, last.line) == (
        "3.4.",
        "По мере поступления запроса",
        29,
    )


def test_the_seed_reads_the_same_in_cp1251_and_with_windows_line_ends(seed):
    text = SEED.read_text(encoding="utf-8")
    windows = text.replace("\n", "\r\n").encode("cp1251")
    again = parse_plan_file(windows, "plan.txt")
    assert rows(again) == rows(seed)
    assert again.title == SEED_TITLE


def test_the_seed_reads_the_same_with_a_byte_order_mark(seed):
    again = parse_plan_file(b"\xef\xbb\xbf" + SEED.read_bytes())
    assert rows(again) == rows(seed)


# --- Text rules ----------------------------------------------------------------------------------

HEADER = "№ п/п\tМероприятия\tСроки выполнения"


def test_headings_may_be_bold_with_stars_or_plain():
    plan = parse_plan_text(
        "План на 2021-2022 учебный год\n"
        "№ п/п Мероприятия Сроки выполнения\n"
        "**1. Фонд**\t\t\n"
        "1.1.\tУчёт\tВ течение года\n"
        "2. Работа с библиотекарями\n"
        "2.1.\tМУМО\t4 раза в год\n"
    )
    assert [(s.number, s.title) for s in plan.sections] == [
        ("1.", "Фонд"),
        ("2.", "Работа с библиотекарями"),
    ]
    assert rows(plan) == [
        ("1.", "1.1.", "Учёт", "В течение года"),
        ("2.", "2.1.", "МУМО", "4 раза в год"),
    ]
    assert plan.start_year == 2021


def test_a_wrapped_line_may_carry_the_deadline_of_the_item():
    plan = parse_plan_text(
        f"{HEADER}\n<b>1. Фонд</b>\n1.1.\tФормирование фонда\t\n\tи его учёт\tВ течение года\n"
    )
    assert rows(plan) == [("1.", "1.1.", "Формирование фонда и его учёт", "В течение года")]


def test_a_lower_case_row_with_its_own_deadline_after_an_item_with_one_is_separate():
    plan = parse_plan_text(f"{HEADER}\n1. Фонд\n1.1.\tУчёт\tМай\n\tсписание\tИюнь\n")
    assert rows(plan) == [("1.", "1.1.", "Учёт", "Май"), ("1.", "", "списание", "Июнь")]


def test_a_word_broken_at_a_hyphen_is_joined_without_a_space():
    plan = parse_plan_text(
        f"{HEADER}\n1. Фонд\n1.1.\tФонд библиотечно-\t\n\tинформационных ресурсов\tМай\n"
    )
    assert rows(plan)[0][2] == "Фонд библиотечно-информационных ресурсов"


def test_a_heading_wrapped_onto_the_next_line_is_joined():
    plan = parse_plan_text(
        f"{HEADER}\n<b>1. Организация работы</b>\n<b>с фондом</b>\n1.1.\tУчёт\tМай\n"
    )
    assert [(s.number, s.title) for s in plan.sections] == [("1.", "Организация работы с фондом")]


def test_whitespace_inside_texts_is_collapsed_and_quotes_are_kept():
    plan = parse_plan_text(
        f"{HEADER}\n1. Фонд\n 1.1. \t  Выставка\u00a0 «Книги —  юбиляры» \t В  течение года \n"
    )
    assert rows(plan) == [("1.", "1.1.", "Выставка «Книги — юбиляры»", "В течение года")]


def test_a_responsible_column_in_the_text_header_is_read():
    plan = parse_plan_text(
        "№\tМероприятия\tСроки\tОтветственный\n1. Фонд\n1.1.\tУчёт\tМай\tСоколова Н. М.\n"
    )
    assert plan.sections[0].items[0].responsible == "Соколова Н. М."


def test_items_before_any_heading_go_to_a_section_without_a_title():
    plan = parse_plan_text(f"{HEADER}\n1.1.\tУчёт\tМай\n2. Работа\n2.1.\tМУМО\tОктябрь\n")
    assert [(s.number, s.title, len(s.items)) for s in plan.sections] == [
        ("", "Без раздела", 1),
        ("2.", "Работа", 1),
    ]
    assert "Пункты до первого раздела собраны в раздел «Без раздела»." in plan.warnings


def test_structural_oddities_become_russian_warnings():
    plan = parse_plan_text(
        f"План на 2020-2021 учебный год\n{HEADER}\n"
        "1. Фонд\n"
        "1.1.\tУчёт\tМай\n"
        "1.2.\t\tИюнь\n"
        "1.1.\tСписание\tИюль\n"
        "2.5.\tЧужой пункт\tАвгуст\n"
        "\t\tСентябрь\n"
        "2. Пустой раздел\n"
    )
    assert plan.warnings == [
        "Строка 5: пункт «1.2.» без текста пропущен.",
        "Строка 6: номер пункта «1.1.» повторяется (строка 4).",
        "Строка 7: пункт «2.5.» стоит в разделе «1.».",
        "Строка 8: срок «Сентябрь» без мероприятия пропущен.",
        "Строка 9: в разделе «2. Пустой раздел» нет пунктов.",
    ]
    assert [i.text for i in plan.sections[0].items] == ["Учёт", "Списание", "Чужой пункт"]


def test_a_plan_without_a_year_in_the_title_has_no_start_year():
    plan = parse_plan_text(f"План работы\n{HEADER}\n1. Фонд\n1.1.\tУчёт\tМай\n")
    assert (plan.title, plan.start_year, plan.warnings) == ("План работы", None, [])


def test_an_approval_block_above_the_title_is_left_out():
    plan = parse_plan_text(
        "УТВЕРЖДАЮ\nПредседатель комитета\n\nПЛАН работы на 2020/2021 учебный год\n"
        f"{HEADER}\n1. Фонд\n1.1.\tУчёт\tМай\n"
    )
    assert plan.title == "ПЛАН работы на 2020/2021 учебный год"
    assert plan.start_year == 2020


def test_a_text_with_no_plan_rows_is_an_error():
    with pytest.raises(PlanFileError, match="не найдено ни одного пункта плана"):
        parse_plan_text("Просто письмо.\nБез таблицы и без пунктов.\n")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("1.\t\n аБв-<b>/*«»"), max_size=80))
def test_the_text_parser_raises_only_its_own_error(text):
    try:
        plan = parse_plan_text(text)
    except PlanFileError:
        return
    assert plan.sections


# --- .xlsx ---------------------------------------------------------------------------------------


def xlsx_bytes(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_plan() -> bytes:
    workbook = openpyxl.Workbook()
    hidden = workbook.active
    hidden.title = "Справочник"
    hidden.append(["№", "Мероприятия", "Сроки"])
    hidden.append(["9.9.", "Скрытый пункт", "Май"])
    hidden.sheet_state = "hidden"
    sheet = workbook.create_sheet("План")
    sheet.append([None, None, None, "УТВЕРЖДАЮ"])
    sheet.append(["План работы методического кабинета"])
    sheet.append([None, "на 2021–2022 учебный год"])
    sheet.append([])
    sheet.append(["№ п/п", "Мероприятия", "Сроки выполнения", "Ответственные"])
    sheet.append(["1. Работа с фондом"])
    sheet.merge_cells("A6:D6")
    sheet.append(["1.1", "Подписка на периодику", "Май, октябрь", "Соколова Н. М."])
    sheet.append([None, "Списание литературы", "1 раз в год", None])
    sheet.append(["2", "Работа с библиотекарями", None, None])
    sheet.append(["2.1.", "Заседания МУМО", "В течение года", "Соколова Н. М."])
    sheet.append(["2.2.", "Консультации", None, None])
    sheet.merge_cells("C10:C11")
    sheet.append(["2.3.", "Отчёт", date(2022, 5, 25), None])
    sheet.append([None, "Рабочий семинар", None, None])
    return xlsx_bytes(workbook)


def test_an_xlsx_plan_is_read_from_the_first_visible_sheet():
    plan = parse_plan_file(xlsx_plan(), "план.xlsx")
    assert plan.title == "План работы методического кабинета на 2021–2022 учебный год"
    assert plan.start_year == 2021
    assert [(s.number, s.title, s.line) for s in plan.sections] == [
        ("1.", "Работа с фондом", 6),
        ("2", "Работа с библиотекарями", 9),
    ]
    assert items(plan) == [
        ("1.1", "Подписка на периодику", "Май, октябрь", "Соколова Н. М."),
        ("", "Списание литературы", "1 раз в год", ""),
        ("2.1.", "Заседания МУМО", "В течение года", "Соколова Н. М."),
        ("2.2.", "Консультации", "В течение года", ""),
        ("2.3.", "Отчёт", "25.05.2022", ""),
        ("", "Рабочий семинар", "", ""),
    ]


def test_a_merged_heading_without_a_number_is_a_section():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["№", "Содержание работы", "Срок"])
    sheet.append(["Организационная работа"])
    sheet.merge_cells("A2:C2")
    sheet.append(["1", "Совещание", "Сентябрь"])
    plan = parse_plan_xlsx(xlsx_bytes(workbook))
    assert [(s.number, s.title, len(s.items)) for s in plan.sections] == [
        ("", "Организационная работа", 1)
    ]


def test_a_sheet_without_the_plan_columns_names_what_it_found():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Школа", "Класс", "Учебник"])
    workbook.active.append(["СОШ № 1", "5", "Математика"])
    with pytest.raises(PlanFileError) as error:
        parse_plan_file(xlsx_bytes(workbook), "учебники.xlsx")
    message = str(error.value)
    assert "не найдены столбцы «Мероприятия» и «Сроки выполнения»" in message
    assert "найдены заголовки: «Школа», «Класс», «Учебник»" in message


def test_a_sheet_with_only_the_text_column_says_the_deadline_column_is_missing():
    workbook = openpyxl.Workbook()
    workbook.active.append(["№", "Мероприятия", "Примечание"])
    with pytest.raises(PlanFileError, match="не найден столбец «Сроки выполнения»"):
        parse_plan_xlsx(xlsx_bytes(workbook))


def test_a_broken_xlsx_is_an_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<broken")
        archive.writestr("xl/workbook.xml", "<not a workbook")
    with pytest.raises(PlanFileError, match="повреждён"):
        parse_plan_file(buffer.getvalue(), "plan.xlsx")


# --- .docx ---------------------------------------------------------------------------------------


def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def fill(row, values) -> None:
    for cell, value in zip(row.cells, values, strict=True):
        cell.text = value


def docx_plan() -> bytes:
    document = docx.Document()
    approval = document.add_table(rows=1, cols=2)
    fill(approval.rows[0], ["", "УТВЕРЖДАЮ Председатель комитета"])
    document.add_paragraph("План работы")
    document.add_paragraph("методического кабинета на 2020-2021 учебный год")
    table = document.add_table(rows=2, cols=4)
    fill(table.rows[0], ["№ п/п", "Мероприятия", "Сроки выполнения", "Ответственный"])
    fill(table.rows[1], ["1", "2", "3", "4"])
    heading = table.add_row()
    heading.cells[0].merge(heading.cells[3]).text = "1. Работа с фондом"
    fill(table.add_row(), ["1.1.", "Подписка", "Май, октябрь", "Соколова"])
    fill(table.add_row(), ["", "Учёт фонда", "В течение года", ""])
    fill(table.add_row(), ["", "и его проверка", "", ""])
    heading = table.add_row()
    heading.cells[0].merge(heading.cells[3]).text = "2. Методическая помощь"
    fill(table.add_row(), ["2.1.", "Консультации", "По запросу", "Соколова"])
    return docx_bytes(document)


def test_a_docx_plan_is_read_from_the_table_with_the_plan_header():
    plan = parse_plan_file(docx_plan(), "plan.docx")
    assert plan.title == "План работы методического кабинета на 2020-2021 учебный год"
    assert plan.start_year == 2020
    assert [(s.number, s.title) for s in plan.sections] == [
        ("1.", "Работа с фондом"),
        ("2.", "Методическая помощь"),
    ]
    assert items(plan) == [
        ("1.1.", "Подписка", "Май, октябрь", "Соколова"),
        ("", "Учёт фонда и его проверка", "В течение года", ""),
        ("2.1.", "Консультации", "По запросу", "Соколова"),
    ]
    assert plan.warnings == []


def test_a_docx_without_tables_is_read_as_text_with_bold_headings():
    document = docx.Document()
    document.add_paragraph("План работы на 2022-2023 учебный год")
    document.add_paragraph("№ п/п\tМероприятия\tСроки выполнения")
    run = document.add_paragraph().add_run("Работа с фондом")
    run.bold = True
    run.font.size = Pt(12)
    document.add_paragraph("1.1.\tУчёт фонда\tВ течение года")
    plan = parse_plan_docx(docx_bytes(document))
    assert plan.start_year == 2022
    assert [(s.number, s.title) for s in plan.sections] == [("", "Работа с фондом")]
    assert rows(plan) == [("", "1.1.", "Учёт фонда", "В течение года")]


def test_a_docx_table_with_other_columns_is_an_error():
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    fill(table.rows[0], ["Фамилия", "Должность"])
    with pytest.raises(PlanFileError, match="найдены заголовки: «Фамилия», «Должность»"):
        parse_plan_file(docx_bytes(document), "staff.docx")


def test_a_broken_docx_is_an_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document")
    with pytest.raises(PlanFileError, match="повреждён"):
        parse_plan_file(buffer.getvalue(), "plan.docx")


# --- JSON export ---------------------------------------------------------------------------------


def export(**changes) -> dict:
    document = {
        "year": "2020-2021",
        "title": "План работы на 2020-2021 учебный год",
        "sections": [
            {
                "number": "1.",
                "title": "Работа с фондом",
                "items": [
                    {
                        "number": "1.1.",
                        "text": "Подписка",
                        "deadline": {"text": "Май, октябрь", "kind": "months", "months": [10, 5]},
                        "responsible": "Соколова",
                        "executions": [
                            {"date": "2020-10-12", "note": "Оформлена подписка"},
                            {"date": "2021-05-20", "note": "Продлена"},
                        ],
                    },
                    {"number": "", "text": "Списание", "deadline": {"text": ""}, "executions": []},
                ],
            }
        ],
    }
    document.update(changes)
    return document


def test_the_json_export_is_read_back_with_executions():
    plan = parse_plan_file(json.dumps(export(), ensure_ascii=False).encode(), "plan.json")
    assert (plan.title, plan.start_year, plan.warnings) == (
        "План работы на 2020-2021 учебный год",
        2020,
        [],
    )
    first, second = plan.sections[0].items
    assert (first.number, first.text, first.deadline_text, first.responsible) == (
        "1.1.",
        "Подписка",
        "Май, октябрь",
        "Соколова",
    )
    assert first.executions == [
        (date(2020, 10, 12), "Оформлена подписка"),
        (date(2021, 5, 20), "Продлена"),
    ]
    assert (second.number, second.deadline_text, second.executions) == ("", "", [])


def test_json_takes_the_year_from_the_title_when_it_has_no_year():
    document = export()
    del document["year"]
    assert parse_plan_json(json.dumps(document).encode()).start_year == 2020


def test_a_json_execution_without_a_date_is_skipped_with_a_warning():
    document = export()
    document["sections"][0]["items"][0]["executions"] = [{"date": "вчера", "note": "x"}]
    plan = parse_plan_json(json.dumps(document).encode())
    assert plan.sections[0].items[0].executions == []
    assert "отметка о выполнении" in plan.warnings[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"year": "2020-2021", "sections": [', "Файл .json повреждён: ошибка в строке 1"),
        ('{"title": "План"}'.encode(), "нет списка разделов «sections»"),
        (b'{"sections": []}', "нет ни одного раздела"),
        (b'{"sections": [{"title": "A", "items": {"x": 1}}]}', "«items» — не список"),
        (b'{"sections": [{"title": "A", "items": [{"text": ["x"]}]}]}', "текст — не текст"),
        ('{"year": "прошлый", "sections": [{"title": "A"}]}'.encode(), "Учебный год «прошлый»"),
    ],
)
def test_json_outside_the_export_format_is_an_error(data, message):
    with pytest.raises(PlanFileError, match=message):
        parse_plan_file(data, "plan.json")


# --- Junk and limits -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Файл пустой."),
        (b" \n\t\r\n ", "Файл пустой."),
        (b"\xef\xbb\xbf\n", "Файл пустой."),
        (b"\x00\x01\x02binary\x00junk" * 20, "не текст, не .xlsx, не .docx и не .json"),
        (bytes(range(1, 32)) * 20, "не текст, не .xlsx, не .docx и не .json"),
        (b"PK\x03\x04 not really a zip", "повреждён"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "старого формата"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"{\\rtf1\\ansi plan}", "RTF"),
    ],
)
def test_junk_gets_a_russian_error(data, message):
    with pytest.raises(PlanFileError, match=message):
        parse_plan_file(data, "plan")


def test_a_zip_that_is_neither_xlsx_nor_docx_is_an_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", b"...")
    with pytest.raises(PlanFileError, match="архив, но не .xlsx и не .docx"):
        parse_plan_file(buffer.getvalue(), "plan.xlsx")


def test_the_format_is_detected_by_content_not_by_name(seed):
    assert rows(parse_plan_file(SEED.read_bytes(), "plan.xlsx")) == rows(seed)
    assert parse_plan_file(xlsx_plan(), "plan.txt").start_year == 2021
    assert parse_plan_file(docx_plan(), "plan.json").start_year == 2020


def test_files_over_10_mb_are_refused():
    with pytest.raises(PlanFileError, match="Файл больше 10 МБ."):
        parse_plan_file(b"a" * (10 * 1024 * 1024 + 1))


def test_a_zip_that_unpacks_too_large_is_refused(monkeypatch):
    monkeypatch.setattr(parsers, "MAX_UNZIPPED_BYTES", 1000)
    workbook = openpyxl.Workbook()
    workbook.active.append(["x" * 2000])
    with pytest.raises(PlanFileError, match="после распаковки больше 100 МБ"):
        parse_plan_file(xlsx_bytes(workbook))


# --- The year in a title -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("План на 2020-2021 учебный год", 2020),
        ("План на 2020–2021 уч. год", 2020),
        ("2020 — 2021 гг.", 2020),
        ("План 2020/2021", 2020),
        ("на 2019-20 учебный год", 2019),
        ("к 2020 году: 1980-1985", None),
        ("План на 2020 год", None),
        ("", None),
    ],
)
def test_the_year_is_read_from_the_title(title, year):
    assert year_from_title(title) == year
