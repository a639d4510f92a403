from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from metodkab.lib.xlsx import check_xlsx, file_hash
from textbooks import services
from textbooks.importers import parse_fpu
from textbooks.models import Appendix


class Command(BaseCommand):
    help = (
        "Загружает федеральный перечень учебников из .xlsx, например: manage.py import_fpu "
        "fpu.xlsx --order «№ 858 от 21.09.2022» [--appendix 2]. При ошибках ничего не сохраняет."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--order", required=True, help="приказ: «№ 858 от 21.09.2022»")
        parser.add_argument(
            "--appendix",
            type=int,
            choices=Appendix.values,
            default=Appendix.CURRENT,
            help="приложение, если в файле нет такого столбца: 1 — перечень, 2 — исключённые",
        )

    def handle(self, *args, file, order, appendix, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"Файл {path} не найден.")
        data = path.read_bytes()
        try:
            check_xlsx(data)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        parsed = parse_fpu(data, appendix=appendix)
        for message in parsed.errors:
            self.stderr.write(message)
        for row in parsed.rows:
            for message in row.errors:
                self.stderr.write(f"Строка {row.number}: {message}")
        if not parsed.ok:
            raise CommandError("В файле есть ошибки: ничего не сохранено.")
        for row in parsed.warning_rows:
            for message in row.warnings:
                self.stdout.write(f"Строка {row.number}: предупреждение: {message}")
        counts = services.fpu_import(
            parsed=parsed, order_title=order, file_name=path.name, file_hash=file_hash(data)
        )
        self.stdout.write(
            f"Приказ {order}: добавлено {counts['created']}, изменено {counts['updated']}, "
            f"без изменений {counts['unchanged']}."
        )
