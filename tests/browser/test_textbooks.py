"""The provision monitoring journey through the browser: the librarian fills two grades by
keyboard, uploads a file with a bad row and fixes it, sends; the methodologist returns it with a
comment, the librarian resends, the methodologist accepts; the committee downloads the workbook."""

import io
from datetime import date

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.textbooks.factories import make_fpu, xlsx_bytes
from textbooks import services
from textbooks.importers import TEMPLATE_HEADERS

from .conftest import login, logout, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = [title for _name, title in TEMPLATE_HEADERS]


def fill_line(page, row, grade, subject, code, pupils, fund):
    row.locator("select[name$='-grade']").select_option(str(grade))
    row.locator("input[name$='-subject']").click()
    page.keyboard.type(subject)
    page.keyboard.press("Tab")
    page.keyboard.type(code)
    page.keyboard.press("Tab")  # title: filled from the ФПУ on save
    page.keyboard.press("Tab")  # edition year
    page.keyboard.type("2020")
    page.keyboard.press("Tab")
    page.keyboard.type(str(pupils))
    page.keyboard.press("Tab")
    page.keyboard.type(str(fund))


def upload(page, content: bytes):
    page.get_by_label("Файл .xlsx").set_input_files(
        files=[{"name": "школа.xlsx", "mimeType": "application/octet-stream", "buffer": content}]
    )
    page.get_by_role("button", name="Проверить файл").click()


def test_provision_monitoring_journey(page, methodologist, librarian_a, committee, school_a):
    math5 = make_fpu(
        code="1.1.2.4.1.1.1", grades=[5, 6], authors="Виленкин Н.Я.", title="Математика"
    )
    russian5 = make_fpu(
        code="1.1.2.1.1.1.1", grades=[5], authors="Ладыженская Т.А.", title="Русский язык"
    )
    history6 = make_fpu(
        code="1.1.2.3.1.1.1", grades=[6], authors="Агибалова Е.В.", title="История Средних веков"
    )
    campaign = services.campaign_open(start_year=2021, deadline=date(2021, 5, 20))

    # The librarian fills grades 5 and 6 by keyboard.
    login(page, librarian_a.username)
    page.get_by_test_id("provision-panel").get_by_role("link", name="Отчёт школы").click()
    expect(
        page.get_by_role("heading", name=f"{school_a.short_name}: обеспеченность")
    ).to_be_visible()
    lines = page.locator("tr.new-line")
    fill_line(page, lines.nth(0), 5, "Математика", math5.code, 25, 20)
    fill_line(page, lines.nth(1), 5, "Русский язык", russian5.code, 25, 25)
    fill_line(page, lines.nth(2), 6, "История", history6.code, 22, 22)
    # Totals follow the typing.
    expect(page.locator("[data-total='pupils']")).to_have_text("72")
    expect(page.locator("[data-total='need']")).to_have_text("5")
    screenshot(page, "textbooks-grid-filled")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("добавлено строк 3")).to_be_visible()
    expect(page.get_by_text("обеспеченность 80,0 %")).to_be_visible()

    # A file with one bad row: nothing is saved; the fixed file is.
    page.get_by_role("link", name="Загрузить из Excel").click()
    rows = [
        [5, "Математика", math5.code, None, None, None, 2020, 25, 25, 0, 0, None],
        [5, "Русский язык", russian5.code, None, None, None, 2020, 25, 25, 0, 0, None],
        [6, "История", history6.code, None, None, None, 2020, 22, 20, 25, 0, None],
    ]
    upload(page, xlsx_bytes([HEADER, *rows]))
    expect(page.get_by_test_id("row-errors")).to_contain_text("Строка 4")
    expect(page.get_by_test_id("row-errors")).to_contain_text("больше, чем «В фонде»")
    expect(page.get_by_test_id("import-failed")).to_be_visible()
    screenshot(page, "textbooks-import-errors")
    page.get_by_role("link", name="Загрузить исправленный файл").click()
    rows[2][9] = 2
    upload(page, xlsx_bytes([HEADER, *rows]))
    page.get_by_role("button", name="Сохранить все строки").click()
    expect(page.get_by_text("Файл загружен: добавлено строк 0, изменено 2")).to_be_visible()

    page.get_by_role("button", name="Отправить методисту").click()
    expect(page.get_by_text("Отчёт отправлен методисту на проверку.")).to_be_visible()
    expect(page.get_by_test_id("status").first).to_have_text("отправлено")
    logout(page)

    # The methodologist returns it with a comment.
    login(page, methodologist.username)
    page.get_by_test_id("provision-panel").get_by_role("link", name="Ход мониторинга").click()
    expect(page.get_by_test_id("board")).to_contain_text("отправлено")
    page.get_by_test_id("board").get_by_role("link", name=school_a.short_name).click()
    page.get_by_label("Что исправить").fill("Проверьте число учебников истории в 6 классе.")
    page.get_by_role("button", name="Вернуть на доработку").click()
    expect(page.get_by_text("Отчёт возвращён школе на доработку.")).to_be_visible()
    logout(page)

    # The librarian sees the comment and sends again.
    login(page, librarian_a.username)
    page.get_by_test_id("provision-panel").get_by_role("link", name="Отчёт школы").click()
    expect(page.get_by_test_id("return-comment")).to_contain_text("истории в 6 классе")
    page.get_by_role("link", name="6 кл.").click()
    history_row = page.locator("tr[data-row]").first
    history_row.locator("input[data-num='fund']").fill("22")
    page.get_by_role("button", name="Сохранить 6 класс").click()
    expect(page.get_by_text("изменено 1")).to_be_visible()
    page.get_by_role("button", name="Отправить методисту").click()
    expect(page.get_by_text("Отчёт отправлен методисту на проверку.")).to_be_visible()
    logout(page)

    # The methodologist accepts.
    login(page, methodologist.username)
    page.goto(campaign.submissions.get(school=school_a).get_absolute_url())
    page.get_by_role("button", name="Принять").click()
    expect(page.get_by_text("Отчёт принят.")).to_be_visible()
    expect(page.get_by_role("button", name="Сохранить")).to_have_count(0)  # locked
    screenshot(page, "textbooks-accepted")
    logout(page)

    # The committee downloads the statistics and sees the school.
    login(page, committee.username)
    panel = page.get_by_test_id("provision-panel")
    expect(panel.get_by_test_id("chart-schools")).to_be_visible()
    screenshot(page, "textbooks-committee-home")
    with page.expect_download() as download:
        panel.get_by_role("link", name="Статистика, Excel").click()
    workbook = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    sheet = workbook["По школам"]
    assert sheet["A2"].value == school_a.short_name
    assert sheet["B2"].value == 72
