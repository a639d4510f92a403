"""The methodologist's plan journey: upload the seed, confirm, see the items and this month's
list, record an execution with a file, download the plan PDF and the execution report."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from metodkab.lib.years import current_start_year
from plan.models import Execution, Plan
from plan.services import plan_copy_to_year

from ..plan.factories import SEED
from .conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_methodologist_imports_the_plan_and_records_work(page, methodologist, tmp_path):
    login(page, methodologist.username)
    page.get_by_test_id("nav").get_by_role("link", name="План работы").click()
    page.get_by_role("link", name="Загрузить план").first.click()
    page.get_by_label("Файл плана").set_input_files(str(SEED))
    page.get_by_role("button", name="Показать, как понят план").click()
    expect(page.get_by_test_id("preview-summary")).to_have_text("3 раздела, 16 пунктов")
    screenshot(page, "plan-import-preview")
    assert not Plan.objects.exists()  # nothing is saved before the confirmation
    page.get_by_role("button", name="Сохранить план").click()
    expect(page.get_by_test_id("plan-item")).to_have_count(16)
    expect(page.get_by_text("План на 2020-2021 учебный год загружен")).to_be_visible()
    screenshot(page, "plan-page")

    # Next year's plan from this one, made current so that the home page shows it.
    plan_copy_to_year(plan=Plan.objects.get(), start_year=current_start_year())
    page.goto("/")
    panel = page.get_by_test_id("plan-panel")
    expect(panel.get_by_role("heading", name=re.compile("План работы на"))).to_be_visible()
    expect(panel.get_by_test_id("due-this-month")).to_be_visible()
    expect(panel.get_by_test_id("calendar")).to_be_visible()
    screenshot(page, "plan-home")

    page.goto(reverse("plan:detail", args=[2020]))
    page.get_by_role("link", name="Осуществление подписки на периодические издания").click()
    document = tmp_path / "справка о подписке.pdf"
    document.write_bytes("%PDF-1.4 справка".encode())
    page.get_by_label("Дата").fill("2020-10-12")
    page.get_by_label("Что сделано").fill("Оформлена подписка на I полугодие 2021 года")
    page.get_by_label("Документ").set_input_files(str(document))
    page.get_by_role("button", name="Добавить отметку").click()
    executions = page.get_by_test_id("executions")
    expect(executions).to_contain_text("12.10.2020")
    expect(executions).to_contain_text("октябрь 2020")
    expect(
        executions.get_by_role("link", name=re.compile(r"справка.о.подписке\.pdf"))
    ).to_be_visible()
    screenshot(page, "plan-item-execution")
    assert Execution.objects.get().file

    page.goto(reverse("plan:detail", args=[2020]))
    with page.expect_download() as pdf:
        page.get_by_role("link", name="План, PDF").click()
    assert pdf.value.suggested_filename == "plan-2020.pdf"
    with open(pdf.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    with page.expect_download() as report:
        page.get_by_role("link", name="Отчёт, Excel").click()
    assert report.value.suggested_filename == "plan-execution-2020.xlsx"
