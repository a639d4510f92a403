from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from metodkab.lib.years import parse_year, year_label
from plan.parsers import PlanFileError, parse_plan_file
from plan.services import plan_import, plan_preview


class Command(BaseCommand):
    help = (
        "Загружает план работы из файла (.txt, .xlsx, .docx или выгрузки .json); повторная "
        "загрузка того же года обновляет план."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--year", help="учебный год, например 2020-2021 (если его нет в заголовке)"
        )

    def handle(self, *args, file, year=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Нет файла {path}.")
        try:
            parsed = parse_plan_file(path.read_bytes(), path.name)
            start_year = parse_year(year) if year else parsed.start_year
        except (PlanFileError, ValueError) as error:
            raise CommandError(str(error)) from None
        if start_year is None:
            raise CommandError("В заголовке плана нет учебного года: укажите --year 2020-2021.")
        for warning in plan_preview(parsed, start_year)["warnings"]:
            self.stderr.write(f"Внимание: {warning}")
        plan = plan_import(parsed=parsed, start_year=start_year)
        self.stdout.write(
            f"План на {year_label(start_year)} учебный год: разделов {plan.sections.count()}, "
            f"пунктов {parsed.items_count}."
        )
