"""Plan figures for `make bench`: parsing and importing the seed and a 300-item plan, and the
plan PDF against a bare WeasyPrint render of the same table. Nothing is kept in the database."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction
from weasyprint import HTML

from plan.demo import SEED
from plan.exports import PlanReport
from plan.parsers import parse_plan_file
from plan.services import plan_import
from reports.renderers import render_report


class Rollback(Exception):
    pass


def timed(action, repeat=1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        action()
    return (time.perf_counter() - start) / repeat


def big_plan_text(items: int) -> bytes:
    lines = ["План работы на 2020-2021 учебный год", "№ п/п\tМероприятия\tСроки выполнения"]
    deadlines = ["В течение года", "Май, октябрь", "4 раза в год", "До 15 сентября", "Ежемесячно"]
    for section in range(1, 11):
        lines.append(f"<b>{section}. Раздел {section}</b>\t\t")
        for n in range(1, items // 10 + 1):
            lines.append(f"{section}.{n}.\tМероприятие {section}.{n} плана\t{deadlines[n % 5]}")
    return "\n".join(lines).encode()


def bare_table_html(plan) -> str:
    rows = "".join(
        f"<tr><td>{item.number}</td><td>{item.text}</td><td>{item.deadline_text}</td>"
        f"<td>{item.responsible}</td><td></td></tr>"
        for section in plan.loaded_sections
        for item in section.items.all()
    )
    return f"<table>{rows}</table>"


class Command(BaseCommand):
    help = "Замеры плана: разбор и загрузка, PDF плана против голого WeasyPrint."

    def handle(self, *args, **options):
        seed = SEED.read_bytes()
        big = big_plan_text(300)
        results = {}
        try:
            with transaction.atomic():
                results["seed_parse"] = timed(lambda: parse_plan_file(seed), repeat=20)
                results["seed_import"] = timed(
                    lambda: plan_import(parsed=parse_plan_file(seed), start_year=2020)
                )
                results["big_parse"] = timed(lambda: parse_plan_file(big), repeat=5)
                results["big_import"] = timed(
                    lambda: plan_import(parsed=parse_plan_file(big), start_year=2030)
                )
                report = PlanReport(year="2030-2031")
                results["pdf"] = timed(lambda: render_report(PlanReport(year="2030-2031"), "pdf"))
                html = bare_table_html(report.plan)
                results["bare_pdf"] = timed(lambda: HTML(string=html).write_pdf())
                raise Rollback
        except Rollback:
            pass
        self.stdout.write(
            f"разбор плана-образца (16 пунктов): {results['seed_parse'] * 1000:.1f} мс"
        )
        self.stdout.write(f"загрузка плана-образца в БД: {results['seed_import'] * 1000:.0f} мс")
        self.stdout.write(f"разбор плана на 300 пунктов: {results['big_parse'] * 1000:.1f} мс")
        self.stdout.write(f"загрузка плана на 300 пунктов в БД: {results['big_import']:.2f} с")
        ratio = results["pdf"] / results["bare_pdf"]
        self.stdout.write(
            f"PDF плана на 300 пунктов: {results['pdf']:.2f} с; голый WeasyPrint той же таблицы: "
            f"{results['bare_pdf']:.2f} с; отношение {ratio:.2f}"
        )
