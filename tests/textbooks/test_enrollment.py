import pytest
from django.urls import reverse

from tests.base import client_for, count_queries
from tests.factories import make_school
from textbooks import services
from textbooks.models import Enrollment

pytestmark = pytest.mark.django_db


def test_forecast_moves_each_grade_up():
    counts = {1: 50, 2: 48, 10: 30, 11: 28}
    forecast = services.enrollment_forecast(counts=counts)
    assert forecast[2] == 50 and forecast[3] == 48 and forecast[11] == 30
    assert forecast[1] == 50  # nothing below grade 1: this year's figure is proposed
    assert 12 not in forecast


def test_librarian_enters_her_schools_pupils_and_forecast_is_proposed(client, librarian_a):
    school = librarian_a.school
    client_for(client, librarian_a)
    url = reverse("textbooks:enrollment-edit", args=[school.pk]) + "?year=2021-2022"
    data = {f"pupils_{g}": 20 + g for g in range(1, 12)}
    response = client.post(url, data, follow=True)
    assert "Контингент на 2021-2022 учебный год сохранён." in response.content.decode()
    assert Enrollment.objects.get(school=school, start_year=2021, grade=5).pupils == 25
    # No forecast typed in: nothing saved for next year until the librarian saves it.
    response = client.get(url)
    assert response.context["form"].initial["forecast_6"] == 25
    assert response.context["forecast_is_proposal"]


def test_forecast_is_editable(client, librarian_a):
    school = librarian_a.school
    client_for(client, librarian_a)
    url = reverse("textbooks:enrollment-edit", args=[school.pk]) + "?year=2021-2022"
    client.post(url, {"pupils_5": "25", "forecast_6": "27"})
    assert Enrollment.objects.get(school=school, start_year=2022, grade=6).pupils == 27


def test_it_rejects_negative_counts(client, librarian_a):
    client_for(client, librarian_a)
    url = reverse("textbooks:enrollment-edit", args=[librarian_a.school.pk])
    response = client.post(url, {"pupils_5": "-1"})
    assert response.status_code == 200
    assert not Enrollment.objects.exists()


def test_committee_reads_but_cannot_change(client, committee, school_a):
    client_for(client, committee)
    url = reverse("textbooks:enrollment-edit", args=[school_a.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"pupils_5": "25"}).status_code == 403


def test_librarian_cannot_see_other_schools_enrollment(client, librarian_a, school_b):
    client_for(client, librarian_a)
    assert client.get(reverse("textbooks:enrollment-edit", args=[school_b.pk])).status_code == 404


def test_enrollment_list_query_count_does_not_grow(client, methodologist):
    client_for(client, methodologist)
    url = reverse("textbooks:enrollment-list") + "?year=2021-2022"

    def add_schools(n):
        for _ in range(n):
            school = make_school()
            for grade in range(1, 12):
                Enrollment.objects.create(school=school, start_year=2021, grade=grade, pupils=20)

    add_schools(1)
    few = count_queries(lambda: client.get(url))
    add_schools(10)
    assert count_queries(lambda: client.get(url)) == few


def test_a_file_fills_the_form_in_without_saving(client, librarian_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .factories import xlsx_bytes

    client_for(client, librarian_a)
    url = reverse("textbooks:enrollment-edit", args=[librarian_a.school.pk]) + "?year=2021-2022"
    data = xlsx_bytes(
        [["Класс", "Количество обучающихся"], [5, 25], [6, 27]], title_rows=[["ОО-1"]]
    )
    response = client.post(url, {"file": SimpleUploadedFile("oo1.xlsx", data)})
    assert response.context["form"].initial["pupils_5"] == 25
    assert response.context["form"].initial["forecast_6"] == 25
    assert not Enrollment.objects.exists()
    bad = xlsx_bytes([["Класс", "Обучающихся"], [5, 25], [5, "много"]])
    response = client.post(url, {"file": SimpleUploadedFile("oo1.xlsx", bad)})
    text = response.content.decode()
    assert "5 класс уже указан в строке 2" in text and "нужно целое число" in text
