import io
from datetime import date
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.base import client_for, count_queries
from tests.factories import make_school
from textbooks.exports import ProvisionComparisonReport, ProvisionReport
from textbooks.models import Appendix

from .factories import make_campaign, make_fpu, make_row, make_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(school_a, school_b):
    campaign = make_campaign()
    a = make_submission(school_a, campaign)
    b = make_submission(school_b, campaign)
    math = make_fpu(code="1.1.1", grades=[5], title="Математика")
    make_row(a, math, grade=5, subject="Математика", pupils=25, fund=20)  # need 5
    make_row(b, math, grade=5, subject="Математика", pupils=30, fund=30)
    old = make_fpu(code="1.1.2", grades=[6], appendix=Appendix.EXCLUDED, end_date=date(2021, 5, 31))
    make_row(a, old, grade=6, subject="История", pupils=10, fund=10, is_usable=False)  # need 10
    make_row(a, None, grade=6, subject="Музыка", pupils=10, fund=10)
    a.rows.filter(subject="Музыка").update(fpu_entry=None, title="Музыка (своя)")
    return campaign


def sheets(report):
    return {sheet.title: sheet for sheet in report.sheets()}


def test_by_school_grade_and_subject(campaign, school_a):
    result = sheets(ProvisionReport(year="2021-2022"))
    by_school = list(result["По школам"].rows)
    assert by_school[0] == (school_a.short_name, 45, 30, 15, pytest.approx(66.666, 0.01))
    assert by_school[-1][0] == "ИТОГО" and by_school[-1][1:4] == (75, 60, 15)
    by_grade = {row[0]: row for row in result["По классам"].rows}
    assert by_grade[5][1:4] == (55, 50, 5)
    subjects = {row[0] for row in result["По предметам"].rows}
    assert {"Математика", "История", "Музыка", "ИТОГО"} == subjects


def test_need_list_and_outside_list(campaign):
    result = sheets(ProvisionReport(year="2021-2022"))
    needs = list(result["Потребность"].rows)
    assert needs[0][0] == "1.1.2" and needs[0][4:] == (1, 10)
    outside = list(result["Вне ФПУ и с истекающим сроком"].rows)
    states = {row[2]: row[5] for row in outside}
    assert states["Музыка"] == "вне ФПУ"
    assert states["История"] == "срок использования истёк 31.05.2021"


def test_librarian_sees_her_school_only(campaign, librarian_a, school_b):
    rows = list(sheets(ProvisionReport(user=librarian_a, year="2021-2022"))["По школам"].rows)
    assert [row[0] for row in rows] == [librarian_a.school.short_name, "ИТОГО"]


def test_comparison_with_the_previous_campaign(campaign, school_a):
    old = make_submission(school_a, make_campaign(2020, date(2020, 5, 20)))
    make_row(old, grade=5, pupils=20, fund=10)
    rows = {row[0]: row for row in ProvisionComparisonReport(year="2021-2022").rows()}
    assert rows[school_a.short_name][1] == 50.0
    assert rows[school_a.short_name][3] == pytest.approx(66.666 - 50, 0.01)
    assert "ИТОГО" in rows


def test_committee_downloads_the_workbook(client, committee, campaign, school_a):
    client_for(client, committee)
    url = reverse("reports:download", args=["provision", "xlsx"]) + "?year=2021-2022"
    response = client.get(url)
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "По школам", "По классам", "По предметам", "Потребность", "Вне ФПУ и с истекающим сроком",
    ]  # fmt: skip
    sheet = workbook["По школам"]
    assert [c.value for c in sheet[1]] == [
        "Школа", "Обучающихся", "Обеспечено", "Потребность", "Обеспеченность, %",
    ]  # fmt: skip
    assert sheet["A2"].value == school_a.short_name
    assert sheet.cell(sheet.max_row, 1).value == "ИТОГО"


def test_pdf_summary(client, methodologist, campaign):
    client_for(client, methodologist)
    url = reverse("reports:download", args=["provision", "pdf"]) + "?year=2021-2022"
    response = client.get(url)
    assert response.content.startswith(b"%PDF")


def test_report_command(tmp_path, campaign):
    output = tmp_path / "p.xlsx"
    call_command(
        "report", "provision", "--year", "2021-2022", "--output", str(output), stdout=StringIO()
    )
    assert openpyxl.load_workbook(output)["По школам"]["A1"].value == "Школа"


def test_report_query_count_does_not_grow(campaign):
    def run():
        for sheet in ProvisionReport(year="2021-2022").sheets():
            list(sheet.rows)

    few = count_queries(run)
    for _ in range(5):
        make_row(make_submission(make_school(), campaign), grade=7)
    assert count_queries(run) == few


def test_home_pages_show_svg_charts(client, methodologist, committee, librarian_a, campaign):
    for user, charts in ((methodologist, 2), (committee, 2), (librarian_a, 1)):
        client.logout()
        client_for(client, user)
        page = client.get("/").content.decode()
        assert "Мониторинг обеспеченности на 2021-2022 учебный год" in page
        assert page.count("<svg") >= charts
    page = client.get("/").content.decode()
    assert "МБОУ «СОШ № 2»" not in page.split('data-testid="provision-panel"')[1]
