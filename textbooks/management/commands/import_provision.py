from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from metodkab.lib.xlsx import check_xlsx, file_hash
from metodkab.lib.years import parse_year
from schools.models import School
from textbooks import services
from textbooks.importers import parse_provision
from textbooks.models import Submission


class Command(BaseCommand):
    help = (
        "Загружает файл школы об обеспеченности учебниками: manage.py import_provision FILE "
        "--school «МБОУ «СОШ № 9»» --year 2021-2022. При ошибках ничего не сохраняет и "
        "завершается с ненулевым кодом."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--school", required=True, help="краткое наименование школы")
        parser.add_argument("--year", required=True, help="учебный год: 2021-2022")

    def handle(self, *args, file, school, year, **options):
        try:
            start_year = parse_year(year)
        except ValueError as error:
            raise CommandError(str(error)) from None
        wanted = " ".join(school.split()).casefold()
        # Compared in Python: SQLite's lower() leaves Cyrillic letters as they are.
        matches = [s for s in School.objects.all() if s.short_name.casefold() == wanted]
        if not matches:
            raise CommandError(f"Школа «{school}» не найдена (нужно краткое наименование).")
        submission = (
            Submission.objects.select_related("campaign", "school")
            .filter(school=matches[0], campaign__start_year=start_year)
            .first()
        )
        if submission is None:
            raise CommandError(f"Мониторинг на {year} учебный год для этой школы не открыт.")
        path = Path(file)
        if not path.exists():
            raise CommandError(f"Файл {path} не найден.")
        data = path.read_bytes()
        try:
            check_xlsx(data)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        parsed = parse_provision(data, submission)
        for message in parsed.errors:
            self.stderr.write(message)
        for row in parsed.error_rows:
            self.stderr.write(f"Строка {row.number}: " + "; ".join(row.errors))
        if not parsed.ok:
            raise CommandError("В файле есть ошибки: ничего не сохранено.")
        for row in parsed.warning_rows:
            self.stdout.write(f"Строка {row.number}: предупреждение: " + "; ".join(row.warnings))
        try:
            counts = services.provision_import(
                submission=submission,
                parsed=parsed,
                user=None,
                file_name=path.name,
                file_hash=file_hash(data),
            )
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        self.stdout.write(
            f"{submission.school}: строк в файле {len(parsed.rows)}; добавлено "
            f"{counts['created']}, изменено {counts['updated']}, удалено {counts['deleted']}."
        )
