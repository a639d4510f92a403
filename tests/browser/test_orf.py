"""The ОРФ journey through the browser: two librarians declare an offer and a need, the
methodologist runs the matching and confirms, the receiving librarian confirms receipt, both
download the act, and the receiving school's provision figures change."""

import re
import subprocess
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.textbooks.factories import make_fpu, make_row
from textbooks import services
from textbooks.models import ProvisionRow, Status, Transfer, TransferStatus

from .conftest import ARTIFACTS, login, logout, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def open_declarations(page):
    page.get_by_test_id("nav").get_by_role("link", name="ОРФ").click()
    page.get_by_test_id("orf-nav").get_by_role(
        "link", name=re.compile("Излишки и потребность")
    ).click()


def download_act(page, name):
    with page.expect_download() as download:
        page.get_by_role("link", name="Акт приёма-передачи, PDF").click()
    path = ARTIFACTS / f"{name}.pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    download.value.save_as(path)
    content = path.read_bytes()
    assert content.startswith(b"%PDF")
    if subprocess.run(["which", "pdftotext"], capture_output=True).returncode == 0:
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
        ).stdout
        assert "АКТ № 1" in text and "Виленкин" in text
        assert "одна тысяча пятьсот рублей 00 копеек" in text
        assert "Петрова А." in text and "Сидорова А." in text  # both librarians sign
    return path


def test_orf_journey(page, methodologist, librarian_a, librarian_b, school_a, school_b):
    math5 = make_fpu(
        code="1.1.2.4.1.1.1", grades=[5, 6], authors="Виленкин Н.Я.", title="Математика"
    )
    campaign = services.campaign_open(start_year=2021, deadline=date(2021, 5, 20))
    submission_b = campaign.submissions.get(school=school_b)
    row_b = make_row(submission_b, math5, grade=5, pupils=25, fund=20)
    submission_b.status = Status.ACCEPTED
    submission_b.save()
    assert row_b.need == 5

    # School A declares a surplus.
    login(page, librarian_a.username)
    open_declarations(page)
    page.get_by_role("link", name="Добавить излишки").click()
    page.get_by_label("Код ФПУ").fill(math5.code)
    page.get_by_label("Год издания").fill("2020")
    page.get_by_label("Экземпляров").fill("8")
    page.get_by_label("Цена за экз., руб.").fill("300")
    screenshot(page, "orf-offer-form")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("offers")).to_contain_text("Виленкин")
    logout(page)

    # School B declares a need.
    login(page, librarian_b.username)
    open_declarations(page)
    page.get_by_role("link", name="Добавить потребность").click()
    page.get_by_label("Код ФПУ").fill(math5.code)
    page.get_by_label("Класс").select_option("5")
    page.get_by_label("Экземпляров").fill("5")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("needs")).to_contain_text("Виленкин")
    # The ОРФ list shows A's textbooks to B.
    page.get_by_test_id("orf-nav").get_by_role("link", name="Список ОРФ").click()
    expect(page.get_by_test_id("orf-table")).to_contain_text(school_a.short_name)
    screenshot(page, "orf-list")
    logout(page)

    # The methodologist runs the matching, looks at the proposal and confirms it.
    login(page, methodologist.username)
    page.get_by_test_id("nav").get_by_role("link", name="ОРФ").click()
    page.get_by_role("button", name="Опубликовать список").click()
    expect(page.get_by_test_id("publication")).to_contain_text("опубликован")
    page.get_by_test_id("orf-nav").get_by_role("link", name="Подбор").click()
    page.get_by_role("button", name="Подобрать передачи").click()
    expect(page.get_by_text("Подбор выполнен: передач 1")).to_be_visible()
    proposal = page.get_by_test_id("proposal-transfer")
    expect(proposal).to_contain_text(f"{school_a.short_name} → {school_b.short_name}, 5 экз.")
    screenshot(page, "orf-proposal")
    page.get_by_role("button", name="Согласовать все").click()
    expect(page.get_by_text("Согласовано передач: 1.")).to_be_visible()
    logout(page)

    # The public page, without login.
    page.goto("/textbooks/orf/public/")
    expect(page.get_by_test_id("orf-table")).to_contain_text("3")  # 8 offered, 5 agreed
    screenshot(page, "orf-public")

    # The receiving librarian confirms receipt and downloads the act.
    login(page, librarian_b.username)
    page.get_by_test_id("nav").get_by_role("link", name="ОРФ").click()
    page.get_by_test_id("orf-nav").get_by_role("link", name="Передачи").click()
    page.get_by_test_id("transfer-table").get_by_role("link", name="№ 1").click()
    expect(page.get_by_test_id("transfer-status")).to_have_text("согласовано")
    page.get_by_role("button", name="Подтвердить получение").click()
    expect(page.get_by_text("Получение подтверждено.")).to_be_visible()
    expect(page.get_by_test_id("transfer-status")).to_have_text("передано")
    screenshot(page, "orf-transfer-delivered")
    download_act(page, "orf-act-receiver")
    logout(page)

    # The giving librarian downloads it too.
    login(page, librarian_a.username)
    page.get_by_test_id("nav").get_by_role("link", name="ОРФ").click()
    page.get_by_test_id("orf-nav").get_by_role("link", name="Передачи").click()
    page.get_by_test_id("transfer-table").get_by_role("link", name="№ 1").click()
    expect(page.get_by_role("button", name="Подтвердить возврат")).to_be_visible()
    download_act(page, "orf-act-giver")

    # The receiving school's provision figures changed: R = 5, need 0.
    row_b = ProvisionRow.objects.get(pk=row_b.pk)
    assert (row_b.from_orf, row_b.need, row_b.percent) == (5, 0, 100.0)
    assert Transfer.objects.get().status == TransferStatus.DELIVERED
    logout(page)
    login(page, librarian_b.username)
    page.goto(submission_b.get_absolute_url())
    expect(page.locator("[data-total='need']")).to_have_text("0")
    screenshot(page, "orf-receiver-provision")
