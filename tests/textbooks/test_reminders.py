from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from textbooks.models import Status

from .factories import make_campaign, make_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(librarian_a, librarian_b, methodologist):
    campaign = make_campaign(deadline=date(2021, 5, 20))
    make_submission(librarian_a.school, campaign)  # draft
    make_submission(librarian_b.school, campaign, status=Status.SENT, sent_at=None)
    return campaign


def run(day: str) -> str:
    out = StringIO()
    call_command("send_reminders", "--date", day, stdout=out)
    return out.getvalue()


def test_three_days_before_the_deadline(setup, librarian_a, methodologist):
    run("2021-05-17")
    to = sorted(tuple(m.to) for m in mail.outbox)
    assert to == sorted([(librarian_a.email,), (methodologist.email,)])
    letter = next(m for m in mail.outbox if m.to == [librarian_a.email])
    assert "через 3 дня, 20.05.2021" in letter.subject
    assert "/textbooks/submissions/" in letter.body
    digest = next(m for m in mail.outbox if m.to == [methodologist.email])
    assert "ждут проверки — 1" in digest.subject


def test_on_the_deadline_day(setup, librarian_a):
    run("2021-05-20")
    assert any("сегодня" in m.subject and m.to == [librarian_a.email] for m in mail.outbox)


def test_other_days_only_the_digest(setup, methodologist):
    assert "Отправлено писем: 1." in run("2021-05-18")
    assert [m.to for m in mail.outbox] == [[methodologist.email]]


def test_closed_campaigns_are_quiet(setup):
    from django.utils import timezone

    setup.closed_at = timezone.now()
    setup.save()
    run("2021-05-17")
    assert mail.outbox == []
