import pytest
from django.urls import reverse

from schools.models import School, User
from tests.base import client_for, count_queries
from tests.factories import make_school

pytestmark = pytest.mark.django_db


def school_data(**overrides):
    data = {
        "full_name": "Муниципальное бюджетное общеобразовательное учреждение «СОШ № 5»",
        "short_name": "МБОУ «СОШ № 5»",
        "kind": "sosh",
        "address": "г. Славгород, ул. Ленина, 1",
        "director": "Петров Пётр Петрович",
        "phone": "8 (38568) 5-00-00",
        "email": "school5@example.org",
    }
    return {**data, **overrides}


def test_methodologist_creates_a_school(client, methodologist):
    response = client_for(client, methodologist).post(reverse("schools:create"), school_data())
    school = School.objects.get(short_name="МБОУ «СОШ № 5»")
    assert response.status_code == 302
    assert response["Location"] == school.get_absolute_url()
    assert school.is_active


def test_it_refuses_a_duplicate_short_name_ignoring_case_and_keeps_the_input(
    client, methodologist, school_a
):
    data = school_data(short_name=school_a.short_name.lower(), director="Новый директор")
    response = client_for(client, methodologist).post(reverse("schools:create"), data)
    assert response.status_code == 200
    assert "Школа с таким кратким наименованием уже есть." in response.content.decode()
    assert 'value="Новый директор"' in response.content.decode()
    assert School.objects.count() == 1


def test_it_names_the_field_with_a_bad_email(client, methodologist):
    response = client_for(client, methodologist).post(
        reverse("schools:create"), school_data(email="not-an-email")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "Введите правильный адрес электронной почты."
    ]


def test_deactivating_a_school_keeps_it_and_disables_its_librarians(
    client, methodologist, school_a, librarian_a
):
    client_for(client, methodologist).post(
        reverse("schools:set-active", args=[school_a.pk]), {"active": "0"}
    )
    school_a.refresh_from_db()
    librarian_a.refresh_from_db()
    assert not school_a.is_active
    assert not librarian_a.is_active
    assert School.objects.filter(pk=school_a.pk).exists()


def test_school_list_hides_deactivated_schools_unless_asked(client, methodologist, school_a):
    closed = make_school(short_name="МБОУ «ООШ № 99»", is_active=False)
    client_for(client, methodologist)
    assert closed not in client.get(reverse("schools:list")).context["schools"]
    assert closed in client.get(reverse("schools:list") + "?show=all").context["schools"]


def test_librarian_sees_only_her_school_in_the_list(client, librarian_a, school_a, school_b):
    schools = list(client_for(client, librarian_a).get(reverse("schools:list")).context["schools"])
    assert schools == [school_a]


def test_librarian_cannot_open_another_schools_page(client, librarian_a, school_b):
    response = client_for(client, librarian_a).get(reverse("schools:detail", args=[school_b.pk]))
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_committee_cannot_edit_a_school(client, committee, school_a):
    response = client_for(client, committee).post(
        reverse("schools:edit", args=[school_a.pk]), school_data()
    )
    assert response.status_code == 403
    assert "Доступ запрещён" in response.content.decode()
    school_a.refresh_from_db()
    assert school_a.short_name == "МБОУ «СОШ № 1»"


def test_school_list_query_count_does_not_grow_with_schools(client, methodologist):
    client_for(client, methodologist)
    url = reverse("schools:list")
    for _ in range(3):
        make_school()
    few = count_queries(lambda: client.get(url))
    for _ in range(30):
        make_school()
    assert count_queries(lambda: client.get(url)) == few


def test_demo_loader_is_safe_to_run_twice(settings):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    assert School.objects.count() == 12
    assert User.objects.filter(username__startswith="bibl").count() == 12
    assert User.objects.get(username="bibl1").school.short_name == "МБОУ «СОШ № 9»"
    assert User.objects.get(username="metodist").check_password("demo")


def test_demo_loader_refuses_to_run_in_production(settings):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("load_demo")
    assert not School.objects.exists()
