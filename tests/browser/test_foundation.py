"""Each role logs in through the browser and lands on its own home page and navigation."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .conftest import login, logout, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_methodologist_sees_her_desk_and_manages_schools(
    page, methodologist, school_a, school_b, librarian_a
):
    login(page, methodologist.username)
    expect(page.get_by_role("heading", name="Рабочий стол методиста")).to_be_visible()
    nav = page.get_by_test_id("nav")
    expect(nav.get_by_role("link", name="Школы")).to_be_visible()
    expect(nav.get_by_role("link", name="Учётные записи")).to_be_visible()
    # School B has no librarian: the desk says so.
    expect(page.get_by_test_id("schools-without-librarian")).to_contain_text(school_b.short_name)
    screenshot(page, "foundation-methodologist-home")

    nav.get_by_role("link", name="Школы").click()
    page.get_by_role("link", name="Добавить школу").click()
    page.get_by_label("Полное наименование").fill(
        "Муниципальное бюджетное общеобразовательное учреждение «СОШ № 7»"
    )
    page.get_by_label("Краткое наименование").fill(school_a.short_name)  # a duplicate
    page.get_by_label("Директор").fill("Орлова Ольга Олеговна")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Школа с таким кратким наименованием уже есть.")).to_be_visible()
    expect(page.get_by_label("Директор")).to_have_value("Орлова Ольга Олеговна")
    page.get_by_label("Краткое наименование").fill("МБОУ «СОШ № 7»")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("school-title")).to_contain_text("МБОУ «СОШ № 7»")
    expect(page.get_by_text("Школа «МБОУ «СОШ № 7»» добавлена.")).to_be_visible()
    screenshot(page, "foundation-school-created")
    logout(page)


def test_librarian_sees_her_school_only(page, librarian_a, school_a, school_b):
    login(page, librarian_a.username)
    expect(page.get_by_role("heading", name=f"Библиотека: {school_a.short_name}")).to_be_visible()
    nav = page.get_by_test_id("nav")
    expect(nav.get_by_role("link", name="Моя школа")).to_be_visible()
    expect(nav.get_by_role("link", name="Учётные записи")).to_have_count(0)
    screenshot(page, "foundation-librarian-home")

    response = page.goto(reverse("schools:detail", args=[school_b.pk]))
    assert response.status == 404
    expect(page.get_by_role("heading", name="Страница не найдена")).to_be_visible()
    response = page.goto(reverse("schools:account-list"))
    assert response.status == 403
    expect(page.get_by_role("heading", name="Доступ запрещён")).to_be_visible()
    screenshot(page, "foundation-librarian-403")


def test_committee_reads_and_downloads(page, committee, school_a):
    login(page, committee.username)
    expect(page.get_by_role("heading", name="Комитет по образованию: обзор")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Список школ, Excel").click()
    assert download.value.suggested_filename == "schools.xlsx"
    page.goto(reverse("schools:list"))
    expect(page.get_by_role("link", name="Добавить школу")).to_have_count(0)


def test_navigation_collapses_on_a_phone(phone_page, librarian_a):
    login(phone_page, librarian_a.username)
    expect(phone_page.get_by_role("button", name="Меню")).to_be_visible()
    phone_page.get_by_role("button", name="Меню").click()
    expect(phone_page.get_by_test_id("nav").get_by_role("link", name="Моя школа")).to_be_visible()
    screenshot(phone_page, "foundation-phone-menu")
    assert re.search(r"/$", phone_page.url)
