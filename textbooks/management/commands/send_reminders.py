"""Deadline reminders of the provision monitoring, run daily by cron:

    15 8 * * *  cd /srv/metodkab && .venv/bin/python manage.py send_reminders

Librarians whose submission is not sent get a letter three days before the deadline and on the
deadline day; the methodologists get a digest of the submissions waiting for review. Both
librarians of a temporary ОРФ transfer get a letter when its return falls due (a week before, and
weekly while it is overdue).
"""

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from schools.models import User
from textbooks.exchange import return_reminders
from textbooks.models import EDITABLE_STATUSES, Campaign, Status, Submission

REMIND_DAYS_BEFORE = (3, 0)


def _link(submission) -> str:
    return settings.SITE_URL.rstrip("/") + submission.get_absolute_url()


class Command(BaseCommand):
    help = (
        "Напоминания о мониторинге обеспеченности (для cron, раз в день): библиотекарям — за 3 "
        "дня до срока и в день срока, если отчёт не отправлен; методисту — сводка отчётов, "
        "ждущих проверки; библиотекарям обеих школ — о сроке возврата учебников, временно "
        "переданных через ОРФ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="считать сегодняшним днём эту дату: 2021-05-17")

    def handle(self, *args, date: str | None = None, **options):
        try:
            today = _parse_date(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"Дату нужно указать как 2021-05-17, а указано «{date}».") from None
        letters = 0
        campaigns = list(Campaign.objects.open())
        for campaign in campaigns:
            days = (campaign.deadline - today).days
            if days not in REMIND_DAYS_BEFORE:
                continue
            pending = campaign.submissions.filter(status__in=EDITABLE_STATUSES).select_related(
                "school", "campaign"
            )
            for submission in pending:
                letters += self._remind_school(submission, days)
        letters += self._digest(campaigns)
        letters += return_reminders(today=today)
        self.stdout.write(f"Отправлено писем: {letters}.")

    def _remind_school(self, submission, days: int) -> int:
        when = (
            "сегодня" if days == 0 else f"через {days} дня, {submission.campaign.deadline:%d.%m.%Y}"
        )
        state = (
            "возвращён на доработку" if submission.status == Status.RETURNED else "ещё не отправлен"
        )
        sent = 0
        for librarian in User.objects.librarians_of(submission.school).exclude(email=""):
            send_mail(
                f"Мониторинг обеспеченности: срок сдачи {when}",
                (
                    f"Здравствуйте, {librarian.first_name or librarian.short_name}!\n\n"
                    f"{submission.campaign.title}: срок сдачи отчёта {when}. "
                    f"Отчёт школы «{submission.school}» {state}.\n\n"
                    f"Заполнить и отправить: {_link(submission)}\n\n"
                    "Методкабинет"
                ),
                None,
                [librarian.email],
            )
            sent += 1
        return sent

    def _digest(self, campaigns) -> int:
        waiting = list(
            Submission.objects.filter(campaign__in=campaigns, status=Status.SENT)
            .select_related("school", "campaign")
            .order_by("sent_at")
        )
        if not waiting:
            return 0
        lines = [
            f"— {s.school}, отправлено {timezone.localtime(s.sent_at):%d.%m.%Y %H:%M}: {_link(s)}"
            if s.sent_at
            else f"— {s.school}: {_link(s)}"
            for s in waiting
        ]
        sent = 0
        for methodologist in User.objects.active_methodologists().exclude(email=""):
            send_mail(
                f"Мониторинг обеспеченности: ждут проверки — {len(waiting)}",
                "Отчёты школ, ждущие проверки:\n\n" + "\n".join(lines) + "\n\nМетодкабинет",
                None,
                [methodologist.email],
            )
            sent += 1
        return sent


def _parse_date(text: str) -> date:
    return date.fromisoformat(text)
