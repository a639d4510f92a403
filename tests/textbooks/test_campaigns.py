from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.base import client_for, count_queries
from tests.factories import make_school
from textbooks import services
from textbooks.models import Campaign, Status, Submission

from .factories import make_campaign, make_row, make_submission

pytestmark = pytest.mark.django_db


def test_opening_gives_every_active_school_a_draft(school_a, school_b, methodologist):
    make_school(is_active=False)
    campaign = services.campaign_open(
        start_year=2021, deadline=date(2021, 5, 20), user=methodologist
    )
    assert campaign.title == "Мониторинг обеспеченности на 2021-2022 учебный год"
    assert set(campaign.submissions.values_list("school", "status")) == {
        (school_a.pk, Status.DRAFT),
        (school_b.pk, Status.DRAFT),
    }


def test_a_year_is_opened_once(school_a):
    services.campaign_open(start_year=2021, deadline=date(2021, 5, 20))
    with pytest.raises(Exception, match="уже открыт"):
        services.campaign_open(start_year=2021, deadline=date(2021, 5, 20))


def test_open_campaign_command(school_a):
    out = StringIO()
    call_command("open_campaign", "--year", "2021-2022", "--deadline", "2021-05-20", stdout=out)
    assert "открыт, школ — 1" in out.getvalue()
    assert "пункт плана не найден" in out.getvalue()
    with pytest.raises(CommandError, match="2020-2021"):
        call_command("open_campaign", "--year", "2021", "--deadline", "2021-05-20")


def test_opening_and_closing_record_executions_on_the_plan_item(school_a, methodologist):
    from plan.models import Execution, Plan, PlanItem, Section

    plan = Plan.objects.create(start_year=2020)
    section = Section.objects.create(plan=plan, title="Работа с фондом")
    item = PlanItem.objects.create(
        section=section,
        text="Мониторинг обеспеченности ОО учебной и программно-методической литературой",
    )
    campaign = services.campaign_open(
        start_year=2021, deadline=date(2021, 5, 20), user=methodologist, plan_item=item
    )
    services.campaign_close(campaign=campaign, user=methodologist)
    notes = list(Execution.objects.filter(item=item).values_list("note", flat=True))
    assert len(notes) == 2
    assert "Открыт" in notes[0] and "Закрыт" in notes[1]


def test_the_review_cycle(librarian_a, methodologist):
    submission = make_submission(librarian_a.school)
    with pytest.raises(Exception, match="нет ни одной строки"):
        services.submission_send(submission=submission, user=librarian_a)
    make_row(submission)
    services.submission_send(submission=submission, user=librarian_a)
    assert submission.status == Status.SENT and not submission.is_writable_by(librarian_a)
    with pytest.raises(Exception, match="Напишите"):
        services.submission_return(submission=submission, user=methodologist, comment=" ")
    services.submission_return(submission=submission, user=methodologist, comment="Нет 5 класса")
    assert submission.status == Status.RETURNED and submission.is_writable_by(librarian_a)
    services.submission_send(submission=submission, user=librarian_a)
    services.submission_accept(submission=submission, user=methodologist)
    assert submission.status == Status.ACCEPTED
    assert not submission.is_writable_by(librarian_a)  # locked
    assert not submission.is_writable_by(methodologist)
    services.submission_reopen(submission=submission, user=methodologist)
    assert submission.is_writable_by(librarian_a)
    assert submission.history.count() == 6  # created, sent, returned, sent, accepted, reopened


def test_methodologist_returns_with_a_comment_through_the_web(client, methodologist, librarian_a):
    submission = make_submission(librarian_a.school, status=Status.SENT)
    client_for(client, methodologist)
    url = reverse("textbooks:submission-return", args=[submission.pk])
    response = client.post(url, {"comment": "Проверьте 7 класс"}, follow=True)
    assert "возвращён" in response.content.decode()
    client.logout()
    client_for(client, librarian_a)
    response = client.get(submission.get_absolute_url())
    assert "Проверьте 7 класс" in response.content.decode()


def test_librarian_cannot_accept(client, librarian_a):
    submission = make_submission(librarian_a.school, status=Status.SENT)
    client_for(client, librarian_a)
    url = reverse("textbooks:submission-accept", args=[submission.pk])
    assert client.post(url).status_code == 403


def test_methodologist_opens_a_campaign_from_the_web(client, methodologist, school_a):
    client_for(client, methodologist)
    response = client.post(
        reverse("textbooks:campaign-create"),
        {"year": "2021-2022", "deadline": "2021-05-20"},
        follow=True,
    )
    assert "открыт" in response.content.decode()
    assert Submission.objects.filter(campaign__start_year=2021, school=school_a).exists()


def test_campaign_form_explains_a_bad_year(client, methodologist):
    client_for(client, methodologist)
    response = client.post(
        reverse("textbooks:campaign-create"), {"year": "2021", "deadline": "2021-05-20"}
    )
    assert "2020-2021" in response.content.decode()
    assert not Campaign.objects.exists()


def test_board_query_count_does_not_grow(client, methodologist):
    campaign = make_campaign()
    client_for(client, methodologist)
    url = campaign.get_absolute_url()
    make_row(make_submission(make_school(), campaign))
    few = count_queries(lambda: client.get(url))
    for _ in range(10):
        make_row(make_submission(make_school(), campaign))
    assert count_queries(lambda: client.get(url)) == few
    assert client.get(url).status_code == 200


def test_campaign_list_query_count_does_not_grow(client, librarian_a):
    client_for(client, librarian_a)
    url = reverse("textbooks:campaign-list")
    make_submission(librarian_a.school, make_campaign(2020, date(2020, 5, 20)))
    few = count_queries(lambda: client.get(url))
    for year in range(2021, 2026):
        make_submission(librarian_a.school, make_campaign(year, date(year, 5, 20)))
    assert count_queries(lambda: client.get(url)) == few
    assert "2025-2026" in client.get(url).content.decode()
