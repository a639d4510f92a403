from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.registry import REPORTS
from reports.renderers import render_report


def report_parameters() -> dict[str, str]:
    """Every parameter any report takes, name → label, so that each becomes an option."""
    return {
        name: label
        for report in REPORTS.values()
        for name, (label, _parser) in report.parameters.items()
    }


class Command(BaseCommand):
    help = (
        "Формирует отчёт в файл .xlsx или .pdf (формат по расширению файла), например: "
        "manage.py report schools --output schools.xlsx"
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="отчёт: " + ", ".join(sorted(REPORTS)))
        parser.add_argument("--output", "-o", required=True, help="файл .xlsx или .pdf")
        for name, label in report_parameters().items():
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, help=label)

    def handle(self, *args, name, output, **options):
        report_class = REPORTS.get(name)
        if report_class is None:
            raise CommandError(f"Нет отчёта «{name}». Есть: {', '.join(sorted(REPORTS))}.")
        path = Path(output)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "pdf"):
            raise CommandError("Файл должен иметь расширение .xlsx или .pdf.")
        params = {key: options[key] for key in report_class.parameters if options.get(key)}
        try:
            report = report_class(user=None, **params)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        path.write_bytes(render_report(report, fmt))
        self.stdout.write(f"{report.get_title()}: {path} ({path.stat().st_size} байт)")
