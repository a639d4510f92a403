"""Importing plans: the seed, .xlsx, .docx, JSON round trip, re-import and junk."""

import io
import json
from io import StringIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from plan.models import Plan, PlanImport, PlanItem, Section
from plan.parsers import PlanFileError, parse_plan_file
from plan.services import execution_record, plan_import
from tests.base import client_for

from .factories import SEED, seed_bytes, seed_plan

pytestmark = pytest.mark.django_db

JOINED_3_2 = (
    "Оказание консультативной помощи школьным библиотекарям по всем вопросам организации "
    "библиотечной работы"
)


def import_seed():
    return plan_import(parsed=seed_plan(), start_year=2020)


def test_the_seed_imports_to_three_sections_and_sixteen_items():
    plan = import_seed()
    assert plan.sections.count() == 3
    assert PlanItem.objects.filter(section__plan=plan).count() == 16
    item = PlanItem.objects.get(number="3.2.")
    assert item.text == JOINED_3_2
    assert item.deadline_text == "В течение года"
    assert item.deadline_kind == "throughout"


def test_unnumbered_items_stay_in_their_places():
    plan = import_seed()
    first = plan.sections.get(number="1.")
    numbers = list(first.items.order_by("order").values_list("number", flat=True))
    assert numbers == ["1.1.", "1.2.", "1.3.", "1.4.", "", "", ""]
    texts = list(first.items.order_by("order").values_list("text", flat=True))
    assert texts[4].startswith("Мониторинг обеспеченности ОО")


def test_seed_deadlines_become_checkpoints_in_the_year():
    import_seed()
    item = PlanItem.objects.get(number="1.2.")
    assert [(c.start.isoformat(), c.label) for c in item.checkpoints.all()] == [
        ("2020-10-01", "октябрь 2020"),
        ("2021-05-01", "май 2021"),
    ]
    assert PlanItem.objects.get(number="3.1.").checkpoints.count() == 4


def test_reimport_updates_the_plan_and_keeps_executions():
    plan = import_seed()
    item = PlanItem.objects.get(number="1.2.")
    execution = execution_record(item=item, date=item.checkpoints.first().start, note="Подписка")
    again = import_seed()
    assert again.pk == plan.pk
    assert Plan.objects.count() == 1
    assert Section.objects.count() == 3
    assert PlanItem.objects.count() == 16
    execution.refresh_from_db()
    assert execution.item.number == "1.2."
    assert execution.checkpoint is not None


def xlsx_plan() -> bytes:
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "Служебный"
    hidden.sheet_state = "hidden"
    ws = wb.create_sheet("План")
    ws.append(["План работы городского методического кабинета"])
    ws.append(["на 2021-2022 учебный год"])
    ws.append([])
    ws.append(["№", "Мероприятия", "Сроки выполнения", "Ответственный"])
    ws.append(["1. Работа с фондом"])
    ws.merge_cells(start_row=5, start_column=1, end_row=5, end_column=4)
    ws.append(["1.1.", "Подписка на периодику", "Май, октябрь", "Соколова Н. М."])
    ws.append([None, "Списание литературы", "1 раз в год", None])
    ws.append(["2.", "Работа с библиотекарями", None, None])
    ws.append(["2.1.", "Заседания МУМО", "4 раза в год", "Соколова Н. М."])
    ws.append([None, None, None, None])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def docx_plan() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("УТВЕРЖДАЮ")
    document.add_paragraph("План работы методического кабинета на 2021-2022 учебный год")
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(
        table.rows[0].cells, ["№ п/п", "Мероприятия", "Сроки выполнения"], strict=True
    ):
        cell.text = text
    row = table.add_row()
    merged = row.cells[0].merge(row.cells[2])
    merged.text = "1. Работа с фондом"
    for values in (
        ["1.1.", "Подписка на периодику", "Май, октябрь"],
        ["1.2.", "Учёт фонда", "В течение года"],
    ):
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_xlsx_plan_uses_the_first_visible_sheet_and_responsible_column():
    parsed = parse_plan_file(xlsx_plan(), "plan.xlsx")
    assert parsed.start_year == 2021
    assert parsed.title == "План работы городского методического кабинета на 2021-2022 учебный год"
    assert [(s.number, s.title) for s in parsed.sections] == [
        ("1.", "Работа с фондом"),
        ("2.", "Работа с библиотекарями"),
    ]
    first = parsed.sections[0].items
    assert [(i.number, i.text, i.deadline_text, i.responsible) for i in first] == [
        ("1.1.", "Подписка на периодику", "Май, октябрь", "Соколова Н. М."),
        ("", "Списание литературы", "1 раз в год", ""),
    ]


def test_docx_plan_reads_the_word_table_and_merged_heading():
    parsed = parse_plan_file(docx_plan(), "plan.docx")
    assert parsed.start_year == 2021
    assert parsed.title == "План работы методического кабинета на 2021-2022 учебный год"
    assert [(s.number, s.title, len(s.items)) for s in parsed.sections] == [
        ("1.", "Работа с фондом", 2)
    ]


def test_json_export_imports_back_to_the_same_plan(tmp_path):
    import_seed()
    item = PlanItem.objects.get(number="2.1.")
    execution_record(item=item, date=item.checkpoints.first().start, note="Выставка")
    out = StringIO()
    call_command("export_plan", "--year", "2020-2021", stdout=out)
    exported = json.loads(out.getvalue())
    assert exported["year"] == "2020-2021"
    first = exported["sections"][0]["items"][1]
    assert first["deadline"] == {
        "text": "Май, октябрь",
        "kind": "months",
        "months": [10, 5],
        "times_per_year": None,
        "date": None,
    }
    Plan.objects.all().delete()
    path = tmp_path / "plan.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    call_command("import_plan", str(path), stdout=StringIO(), stderr=StringIO())
    again = StringIO()
    call_command("export_plan", "--year", "2020-2021", stdout=again)
    assert json.loads(again.getvalue()) == exported


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Файл пустой."),
        (b"\x00\x01\x02\x03binary\x00junk" * 10, "не текст"),
        (b"PK\x03\x04 not really a zip", "повреждён"),
        ("просто текст без таблицы\n".encode(), "не найдено ни одного пункта"),
    ],
)
def test_junk_input_gets_a_russian_error(data, message):
    with pytest.raises(PlanFileError, match=message):
        parse_plan_file(data, "plan.txt")


def test_a_spreadsheet_with_other_columns_names_what_it_found():
    wb = openpyxl.Workbook()
    wb.active.append(["Фамилия", "Класс", "Оценка"])
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(PlanFileError, match="«Фамилия», «Класс», «Оценка»"):
        parse_plan_file(buffer.getvalue(), "marks.xlsx")


def test_import_command_reads_the_seed_and_takes_the_year_from_the_title():
    out = StringIO()
    call_command("import_plan", str(SEED), stdout=out, stderr=StringIO())
    assert "2020-2021" in out.getvalue()
    assert Plan.objects.get().start_year == 2020


def test_import_command_fails_on_junk_and_saves_nothing(tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\x00\xff" * 100)
    with pytest.raises(CommandError):
        call_command("import_plan", str(junk), "--year", "2020-2021")
    assert not Plan.objects.exists()


def test_web_upload_shows_a_preview_and_saves_only_on_confirm(client, methodologist):
    client_for(client, methodologist)
    response = client.post(
        reverse("plan:import"),
        {"file": SimpleUploadedFile("plan.txt", seed_bytes()), "year": ""},
    )
    draft = PlanImport.objects.get()
    assert response["Location"] == reverse("plan:import-preview", args=[draft.pk])
    preview = client.get(response["Location"])
    assert "3 раздела, 16 пунктов" in preview.content.decode()
    assert not Plan.objects.exists()
    confirmed = client.post(response["Location"])
    plan = Plan.objects.get()
    assert confirmed["Location"] == plan.get_absolute_url()
    draft.refresh_from_db()
    assert draft.confirmed_at and draft.items_count == 16 and draft.plan == plan


def test_web_upload_of_junk_keeps_the_form_and_saves_nothing(client, methodologist):
    response = client_for(client, methodologist).post(
        reverse("plan:import"),
        {"file": SimpleUploadedFile("plan.docx", b"\x00junk\x00" * 50), "year": "2020-2021"},
    )
    assert response.status_code == 200
    assert "не текст" in response.context["form"].errors["file"][0]
    assert not PlanImport.objects.exists()


def test_preview_warns_about_unparsed_deadlines(client, methodologist):
    text = "План на 2020-2021 учебный год\n1. Раздел\n1.1.\tВыставка\tпосле ремонта\n"
    client_for(client, methodologist)
    response = client.post(
        reverse("plan:import"), {"file": SimpleUploadedFile("p.txt", text.encode())}, follow=True
    )
    assert "срок «после ремонта» не распознан" in response.content.decode()


def test_a_preview_is_only_for_who_uploaded_it(client, methodologist):
    from schools.models import Role
    from tests.factories import make_user

    client_for(client, methodologist).post(
        reverse("plan:import"), {"file": SimpleUploadedFile("plan.txt", seed_bytes())}
    )
    other = make_user(Role.METHODOLOGIST)
    client.force_login(other)
    response = client.get(reverse("plan:import-preview", args=[PlanImport.objects.get().pk]))
    assert response.status_code == 404


def test_unconfirmed_uploads_are_purged_after_a_day(client, methodologist):
    from datetime import timedelta

    from django.utils import timezone

    client_for(client, methodologist)
    client.post(reverse("plan:import"), {"file": SimpleUploadedFile("a.txt", seed_bytes())})
    old = PlanImport.objects.get()
    PlanImport.objects.update(created_at=timezone.now() - timedelta(days=2))
    client.post(reverse("plan:import"), {"file": SimpleUploadedFile("b.txt", seed_bytes())})
    assert list(PlanImport.objects.values_list("filename", flat=True)) == ["b.txt"]
    assert not old.file.storage.exists(old.file.name)


def test_a_hand_set_deadline_survives_the_json_round_trip(tmp_path):
    from plan.deadlines import Deadline
    from plan.services import item_save

    import_seed()
    item = PlanItem.objects.get(number="1.2.")
    item.deadline_text = "после ремонта"
    item_save(item=item, deadline=Deadline("после ремонта", "months", months=(11, 3)))
    out = StringIO()
    call_command("export_plan", "--year", "2020-2021", stdout=out)
    Plan.objects.all().delete()
    path = tmp_path / "plan.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    call_command("import_plan", str(path), stdout=StringIO(), stderr=StringIO())
    item = PlanItem.objects.get(number="1.2.")
    assert (item.deadline_text, item.deadline_kind, item.deadline_months) == (
        "после ремонта",
        "months",
        [11, 3],
    )
