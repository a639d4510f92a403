import pytest
from django.core import mail
from django.urls import reverse

from tests.base import client_for

pytestmark = pytest.mark.django_db

PASSWORD = "pass-for-tests-1"


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.parametrize(
    ("persona", "heading"),
    [
        ("methodologist", "Рабочий стол методиста"),
        ("librarian_a", "Библиотека: МБОУ «СОШ № 1»"),
        ("committee", "Комитет по образованию: обзор"),
    ],
)
def test_each_role_lands_on_its_own_home_page(client, request, persona, heading):
    user = request.getfixturevalue(persona)
    response = login(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert heading in client.get(reverse("home")).content.decode()


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_wrong_password_gets_a_russian_message(client, librarian_a):
    response = login(client, librarian_a.username, "wrong")
    assert "Пожалуйста, введите правильные имя пользователя и пароль" in response.content.decode()


def test_failed_logins_lock_that_username_from_that_address_only(client, librarian_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, librarian_a.username, "wrong")
    locked = login(client, librarian_a.username, PASSWORD)
    assert locked.status_code == 429
    assert "Слишком много неудачных попыток входа" in locked.content.decode()
    # The same account from another computer is not locked out.
    other = client.post(
        reverse("login"),
        {"username": librarian_a.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.99",
    )
    assert other.status_code == 302


def test_lockout_ends_after_the_cool_off(client, librarian_a, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, librarian_a.username, "wrong")
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    assert login(client, librarian_a.username, PASSWORD).status_code == 302


def test_password_reset_sends_a_russian_email_with_a_working_link(client, librarian_a):
    client.post(reverse("password_reset"), {"email": librarian_a.email})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Смена пароля в Методкабинете"
    link = next(line for line in message.body.splitlines() if "/password/reset/" in line)
    response = client.get(link.split("testserver", 1)[1], follow=True)
    assert response.context["validlink"]
    path = response.redirect_chain[-1][0]
    client.post(path, {"new_password1": "Novyi-Parol-2021", "new_password2": "Novyi-Parol-2021"})
    librarian_a.refresh_from_db()
    assert librarian_a.check_password("Novyi-Parol-2021")


def test_password_change(client, librarian_a):
    client_for(client, librarian_a).post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Novyi-Parol-2021",
            "new_password2": "Novyi-Parol-2021",
        },
    )
    librarian_a.refresh_from_db()
    assert librarian_a.check_password("Novyi-Parol-2021")


def test_session_expires_after_a_working_day_of_inactivity(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert 8 * 3600 <= settings.SESSION_COOKIE_AGE <= 10 * 3600


def test_unknown_page_is_a_russian_404(client, librarian_a):
    response = client_for(client, librarian_a).get("/no-such-page/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_server_error_page_is_russian_and_needs_no_database():
    from metodkab.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "Ошибка на сервере" in response.content.decode()
