from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from metodkab.lib.years import parse_year
from textbooks import services


class Command(BaseCommand):
    help = (
        "Открывает мониторинг обеспеченности учебниками на учебный год, например: "
        "manage.py open_campaign --year 2021-2022 --deadline 2021-05-20"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="учебный год: 2021-2022")
        parser.add_argument("--deadline", required=True, help="срок сдачи: 2021-05-20")

    def handle(self, *args, year, deadline, **options):
        try:
            start_year = parse_year(year)
        except ValueError as error:
            raise CommandError(str(error)) from None
        try:
            deadline_date = date.fromisoformat(deadline)
        except ValueError:
            raise CommandError(
                f"Срок сдачи нужно указать как 2021-05-20, а указано «{deadline}»."
            ) from None
        try:
            campaign = services.campaign_open(start_year=start_year, deadline=deadline_date)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        count = campaign.submissions.count()
        plan = (
            f"; пункт плана: {campaign.plan_item.number or campaign.plan_item.pk}"
            if (campaign.plan_item)
            else "; пункт плана не найден, выполнение не отмечено"
        )
        self.stdout.write(f"{campaign.title}: открыт, школ — {count}{plan}.")
