"""ОРФ documents: the act of transfer, the three reports, and the sum in words."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse

from metodkab.lib.ru import money_in_words, number_in_words
from tests.base import client_for
from tests.factories import make_school
from textbooks.exports import OrfListReport, OrfTransfersReport, OrfUnmetReport
from textbooks.models import TransferStatus

from .factories import make_fpu
from .orf_factories import make_need, make_offer, make_transfer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "amount, words",
    [
        ("1234.50", "одна тысяча двести тридцать четыре рубля 50 копеек"),
        ("0", "ноль рублей 00 копеек"),
        ("1.01", "один рубль 01 копейка"),
        ("2.02", "два рубля 02 копейки"),
        ("11", "одиннадцать рублей 00 копеек"),
        ("21.21", "двадцать один рубль 21 копейка"),
        ("112", "сто двенадцать рублей 00 копеек"),
        ("2000", "две тысячи рублей 00 копеек"),
        ("5011", "пять тысяч одиннадцать рублей 00 копеек"),
        ("22000", "двадцать две тысячи рублей 00 копеек"),
        ("1000000", "один миллион рублей 00 копеек"),
        ("2001001.99", "два миллиона одна тысяча один рубль 99 копеек"),
        ("0.005", "ноль рублей 01 копейка"),
    ],
)
def test_money_in_words(amount, words):
    assert money_in_words(Decimal(amount)) == words


def test_number_in_words_follows_the_gender_of_the_noun():
    assert number_in_words(2, "f") == "две"
    assert number_in_words(41, "m") == "сорок один"


@pytest.fixture
def transfer(school_a, school_b):
    fpu = make_fpu(grades=[7], authors="Мордкович А.Г.", title="Алгебра")
    offer = make_offer(school_a, fpu, copies=20, edition_year=2019, price=Decimal("412.30"))
    transfer = make_transfer(
        offer, make_need(school_b, fpu, 12, grade=7), 12, TransferStatus.AGREED
    )
    transfer.lines.update(price=Decimal("412.30"))
    return transfer


def test_the_act_names_both_schools_lines_totals_in_words_and_signatures(transfer):
    lines = list(transfer.lines.select_related("offer__fpu_entry", "need"))
    total = sum(line.total for line in lines)
    html = render_to_string(
        "textbooks/pdf/orf_act.html",
        {"transfer": transfer, "lines": lines, "copies": 12, "total": total,
         "total_words": money_in_words(total), "title": "Акт"},
    )  # fmt: skip
    assert f"АКТ № {transfer.number}" in html
    assert transfer.giver.full_name in html and transfer.receiver.full_name in html
    assert "Мордкович А.Г. «Алгебра»" in html and ">2019<" in html
    assert "412,30" in html and "4\u202f947,60" in html
    assert "четыре тысячи девятьсот сорок семь рублей 60 копеек" in html
    assert html.count("УТВЕРЖДАЮ") == 2 and "Передал:" in html and "Принял:" in html
    assert "15.06.2021" in html  # the act's date


def test_both_librarians_download_the_act_as_pdf(client, transfer, librarian_a, librarian_b):
    for user in (librarian_a, librarian_b):
        client.logout()
        response = client_for(client, user).get(reverse("textbooks:orf-act", args=[transfer.pk]))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        assert "акт-ОРФ-2021-2022-1.pdf" in response.headers["Content-Disposition"] or (
            "filename*" in response.headers["Content-Disposition"]
        )


def test_the_orf_list_report_has_the_copies_left(transfer, school_a):
    rows = list(OrfListReport(year="2021-2022").rows())
    assert [(r[2], r[7], r[8]) for r in rows] == [("Алгебра", 8, school_a.short_name)]


def test_the_transfers_report_sums_given_and_received_by_school(transfer, school_a, school_b):
    by_school, acts = OrfTransfersReport(year="2021-2022").sheets()
    rows = {row[0]: row for row in by_school.rows}
    assert rows[school_a.short_name][1:4] == (1, 12, Decimal("4947.60"))
    assert rows[school_b.short_name][4:7] == (1, 12, Decimal("4947.60"))
    (act,) = list(acts.rows)
    assert act[0] == transfer.number and act[5] == "согласовано"


def test_the_unmet_report_lists_what_to_buy(transfer, school_b):
    make_need(school_b, make_fpu(title="Химия", grades=[8]), 5, grade=8)
    rows = list(OrfUnmetReport(year="2021-2022").rows())
    assert [(r[4], r[5], r[6], r[7]) for r in rows] == [("Химия", 5, 0, 5)]


def test_reports_are_downloadable_and_runnable_from_the_command_line(
    client, transfer, committee, tmp_path
):
    client_for(client, committee)
    response = client.get(
        reverse("reports:download", args=["orf-transfers", "xlsx"]) + "?year=2021-2022"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["По школам", "Акты"]
    assert workbook["По школам"]["A4"].value == "ИТОГО"
    pdf = client.get(reverse("reports:download", args=["orf-unmet", "pdf"]) + "?year=2021-2022")
    assert pdf.content.startswith(b"%PDF")
    for name, extra in (("orf", []), ("orf-transfers", ["--year", "2021-2022"]),
                        ("orf-unmet", ["--year", "2021-2022"])):  # fmt: skip
        path = tmp_path / f"{name}.xlsx"
        call_command("report", name, *extra, "--output", str(path), stdout=io.StringIO())
        assert openpyxl.load_workbook(path).sheetnames
    # Without --year the ОРФ list is the current ОРФ year's.
    wb = openpyxl.load_workbook(tmp_path / "orf.xlsx")
    assert wb.active["A1"].value == "Код ФПУ"


def test_no_act_before_the_agreement(client, school_a, school_b, methodologist):
    fpu = make_fpu()
    proposed = make_transfer(make_offer(school_a, fpu), make_need(school_b, fpu))
    response = client_for(client, methodologist).get(
        reverse("textbooks:orf-act", args=[proposed.pk])
    )
    assert response.status_code == 404


def test_a_school_outside_the_transfer_cannot_get_the_act(client, transfer):
    from schools.models import Role
    from tests.factories import make_user

    other = make_user(Role.LIBRARIAN, school=make_school())
    response = client_for(client, other).get(reverse("textbooks:orf-act", args=[transfer.pk]))
    assert response.status_code == 404
