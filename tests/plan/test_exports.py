from datetime import date
from io import BytesIO, StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse

from plan.exports import PlanExecutionReport, PlanReport
from plan.models import PlanItem
from plan.services import execution_record, plan_import
from tests.base import client_for, count_queries

from .factories import parsed_plan, seed_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(db):
    return plan_import(parsed=seed_plan(), start_year=2020)


def test_plan_report_rows_are_sections_then_items(seed):
    rows = list(PlanReport(year="2020-2021").rows())
    assert rows[0] == (
        "1.",
        "Организация работы с фондом библиотечно-информационных ресурсов",
        None,
        None,
        None,
    )
    assert rows[1] == (
        "1.1.",
        "Формирование фонда библиотечно-информационными ресурсами",
        "В течение года",
        "",
        None,
    )
    assert len(rows) == 3 + 16


def test_execution_report_counts_checkpoints_per_section_and_in_total(seed):
    item = PlanItem.objects.get(number="1.2.")
    execution_record(item=item, date=date(2020, 10, 5), note="Подписка на I полугодие")
    rows = list(PlanExecutionReport(year="2020-2021").rows())
    line = next(r for r in rows if r[0] == "1.2.")
    assert line[3] == "октябрь 2020; май 2021"
    assert line[4:7] == (1, 2, 50.0)
    assert line[7] == "05.10.2020 Подписка на I полугодие"
    total = rows[-1]
    assert total[0] == "ИТОГО"
    checkpoints = sum(i.checkpoints.count() for i in PlanItem.objects.all())
    assert total[4:6] == (1, checkpoints)


def test_execution_report_query_count_is_constant():
    plan_import(parsed=parsed_plan(items=16), start_year=2020)
    small = count_queries(lambda: list(PlanExecutionReport(year="2020-2021").rows()))
    plan_import(parsed=parsed_plan(items=100, sections=3), start_year=2020)
    assert count_queries(lambda: list(PlanExecutionReport(year="2020-2021").rows())) == small


def test_plan_pdf_has_the_approval_block(client, committee, seed):
    seed.approver_name = "Т. Н. Морозова"
    seed.save()
    response = client_for(client, committee).get(
        reverse("reports:download", args=["plan", "pdf"]) + "?year=2020-2021"
    )
    assert response.content.startswith(b"%PDF")
    html = render_to_string("plan/pdf/plan.html", PlanReport(year="2020-2021").pdf_context())
    assert "УТВЕРЖДАЮ" in html and "Т. Н. Морозова" in html
    assert "Отметка о выполнении" in html


def test_execution_report_xlsx_opens(client, methodologist, seed):
    response = client_for(client, methodologist).get(
        reverse("reports:download", args=["plan-execution", "xlsx"]) + "?year=2020-2021"
    )
    ws = openpyxl.load_workbook(BytesIO(response.content)).active
    assert ws["A1"].value == "№ п/п"
    assert ws.cell(ws.max_row, 1).value == "ИТОГО"


def test_report_for_a_missing_year_is_a_clear_error(client, methodologist):
    response = client_for(client, methodologist).get(
        reverse("reports:download", args=["plan", "pdf"]) + "?year=2030-2031"
    )
    assert response.status_code == 400
    assert "Плана на 2030-2031 учебный год нет." in response.content.decode()


def test_report_command_writes_the_plan_pdf(tmp_path, seed):
    output = tmp_path / "plan.pdf"
    call_command(
        "report", "plan", "--year", "2020-2021", "--output", str(output), stdout=StringIO()
    )
    assert output.read_bytes().startswith(b"%PDF")
