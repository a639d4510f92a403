import pytest
from django.urls import reverse

from schools.models import Role, User
from tests.base import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def account_data(**overrides):
    data = {
        "username": "bibl_new",
        "last_name": "Новикова",
        "first_name": "Вера",
        "patronymic": "Игоревна",
        "position": "педагог-библиотекарь",
        "email": "new@example.org",
        "phone": "",
        "role": Role.LIBRARIAN,
        "school": "",
        "password1": "Kniga-2021-Slavgorod",
        "password2": "Kniga-2021-Slavgorod",
    }
    return {**data, **overrides}


def test_methodologist_creates_a_librarian_bound_to_a_school(client, methodologist, school_a):
    response = client_for(client, methodologist).post(
        reverse("schools:account-create"), account_data(school=school_a.pk)
    )
    assert response.status_code == 302
    account = User.objects.get(username="bibl_new")
    assert account.school == school_a
    assert account.is_librarian
    assert account.check_password("Kniga-2021-Slavgorod")


def test_a_librarian_account_needs_a_school(client, methodologist):
    response = client_for(client, methodologist).post(
        reverse("schools:account-create"), account_data()
    )
    assert response.status_code == 200
    assert response.context["form"].errors["school"] == [
        "Для школьного библиотекаря нужно выбрать школу."
    ]
    assert 'value="Новикова"' in response.content.decode()
    assert not User.objects.filter(username="bibl_new").exists()


def test_other_roles_are_not_bound_to_a_school(client, methodologist, school_a):
    client_for(client, methodologist).post(
        reverse("schools:account-create"),
        account_data(role=Role.COMMITTEE, school=school_a.pk),
    )
    assert User.objects.get(username="bibl_new").school is None


def test_it_refuses_mismatched_passwords(client, methodologist, school_a):
    response = client_for(client, methodologist).post(
        reverse("schools:account-create"),
        account_data(school=school_a.pk, password2="другой-пароль-123"),
    )
    assert response.context["form"].errors["password2"] == ["Пароли не совпадают."]


def test_it_refuses_to_deactivate_the_last_active_methodologist(client, methodologist):
    other = make_user(Role.METHODOLOGIST)
    client_for(client, other)
    client.post(reverse("schools:account-set-active", args=[methodologist.pk]), {"active": "0"})
    methodologist.refresh_from_db()
    assert not methodologist.is_active  # there was another one
    response = client.post(
        reverse("schools:account-set-active", args=[other.pk]), {"active": "0"}, follow=True
    )
    other.refresh_from_db()
    assert other.is_active
    assert "Нельзя отключить собственную учётную запись." in response.content.decode()


def test_it_refuses_to_take_the_role_from_the_last_methodologist(client, methodologist):
    other = make_user(Role.METHODOLOGIST, is_active=False)
    client_for(client, methodologist)
    data = account_data(username=methodologist.username, role=Role.COMMITTEE)
    response = client.post(reverse("schools:account-edit", args=[methodologist.pk]), data)
    assert response.status_code == 200
    assert "последнего действующего методиста" in response.content.decode()
    methodologist.refresh_from_db()
    assert methodologist.role == Role.METHODOLOGIST
    assert not other.is_active


def test_service_refuses_deactivating_the_last_methodologist_by_another_account(
    methodologist,
):
    from django.core.exceptions import ValidationError

    from schools.services import account_set_active

    admin = make_user(Role.COMMITTEE)
    with pytest.raises(ValidationError, match="последнего действующего методиста"):
        account_set_active(account=methodologist, active=False, by=admin)


def test_deactivated_account_cannot_log_in(client, librarian_a):
    librarian_a.is_active = False
    librarian_a.save()
    response = client.post(
        reverse("login"), {"username": librarian_a.username, "password": "pass-for-tests-1"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_methodologist_sets_a_new_password(client, methodologist, librarian_a):
    client_for(client, methodologist).post(
        reverse("schools:account-password", args=[librarian_a.pk]),
        {"new_password1": "Novyi-Parol-2021", "new_password2": "Novyi-Parol-2021"},
    )
    librarian_a.refresh_from_db()
    assert librarian_a.check_password("Novyi-Parol-2021")
