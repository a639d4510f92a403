from io import BytesIO, StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.base import client_for, count_queries
from tests.factories import make_school

pytestmark = pytest.mark.django_db


def test_committee_downloads_the_school_list_as_xlsx(client, committee, school_a, school_b):
    response = client_for(client, committee).get(
        reverse("reports:download", args=["schools", "xlsx"])
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    ws = openpyxl.load_workbook(BytesIO(response.content)).active
    assert ws["B1"].value == "Краткое наименование"
    assert {ws["B2"].value, ws["B3"].value} == {school_a.short_name, school_b.short_name}


def test_methodologist_downloads_the_account_list_as_pdf(client, methodologist, librarian_a):
    response = client_for(client, methodologist).get(
        reverse("reports:download", args=["accounts", "pdf"])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_school_list_report_query_count_is_constant(methodologist):
    from schools.exports import SchoolListReport

    make_school()
    few = count_queries(lambda: list(SchoolListReport().rows()))
    for _ in range(20):
        make_school()
    assert count_queries(lambda: list(SchoolListReport().rows())) == few


def test_report_command_writes_the_file(tmp_path, school_a):
    output = tmp_path / "schools.xlsx"
    out = StringIO()
    call_command("report", "schools", "--output", str(output), stdout=out)
    ws = openpyxl.load_workbook(output).active
    assert ws["B2"].value == school_a.short_name
    assert "Список образовательных организаций" in out.getvalue()


def test_report_command_explains_an_unknown_report(tmp_path):
    with pytest.raises(CommandError, match="Нет отчёта «nope»"):
        call_command("report", "nope", "--output", str(tmp_path / "x.xlsx"))


def test_report_command_refuses_an_unknown_format(tmp_path):
    with pytest.raises(CommandError, match=".xlsx или .pdf"):
        call_command("report", "schools", "--output", str(tmp_path / "x.csv"))
