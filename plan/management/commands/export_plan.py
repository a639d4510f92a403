import json

from django.core.management.base import BaseCommand, CommandError

from metodkab.lib.years import parse_year
from plan.exports import plan_as_json
from plan.models import Plan


class Command(BaseCommand):
    help = "Печатает план учебного года в JSON (формат описан в README.md)."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="учебный год, например 2020-2021")

    def handle(self, *args, year, **options):
        try:
            start_year = parse_year(year)
        except ValueError as error:
            raise CommandError(str(error)) from None
        plan = Plan.objects.filter(start_year=start_year).first()
        if plan is None:
            raise CommandError(f"Плана на {year} учебный год нет.")
        self.stdout.write(json.dumps(plan_as_json(plan), ensure_ascii=False, indent=2))
