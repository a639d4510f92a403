"""Textbook figures for `make bench`, on generated data that is rolled back at the end:

- the provision grid of one school: queries and time to load and to save at 30 and 300 rows;
- importing a 3,000-row school file against a bare openpyxl read of the same file;
- the region's statistics workbook (1,000 schools × 300 rows by default) against a bare openpyxl
  write_only dump of the same rows, with the peak Python memory of the export.
"""

import io
import time
import tracemalloc

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from reports.renderers import to_xlsx
from schools.models import Role, School
from textbooks import services
from textbooks.exports import ProvisionReport
from textbooks.importers import TEMPLATE_HEADERS, parse_provision
from textbooks.models import Campaign, FpuEntry, FpuOrder, ProvisionRow, Submission, grades_mask

YEAR = 2041  # far from any real campaign: the data is generated and rolled back


class Rollback(Exception):
    pass


def timed(action):
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def make_entries(count: int) -> list[FpuEntry]:
    order = FpuOrder.objects.create(title="Бенч: приказ")
    entries = [
        FpuEntry(
            code=f"9.{n // 1000}.{n % 1000}.{1 + n % 11}",
            authors=f"Автор {n}",
            title=f"Учебник {n}",
            grades=str(1 + n % 11),
            grade_mask=grades_mask([1 + n % 11]),
            publisher="Просвещение",
            order=order,
        )
        for n in range(count)
    ]
    FpuEntry.objects.bulk_create(entries, batch_size=500)
    return list(FpuEntry.objects.filter(order=order).order_by("pk"))


def row_for(submission, entry, n: int) -> ProvisionRow:
    grade = entry.grade_mask.bit_length() - 1
    return ProvisionRow(
        submission=submission,
        grade=grade,
        subject=f"Предмет {n % 12}",
        fpu_entry=entry,
        authors=entry.authors,
        title=entry.title,
        publisher=entry.publisher,
        pupils=25,
        fund=20 + n % 10,
        write_off=n % 3,
        from_orf=n % 2,
    )


class Command(BaseCommand):
    help = "Замеры учебников: сетка школы, загрузка файла на 3 000 строк, статистика региона."

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=1000, help="школ в регионе")
        parser.add_argument("--rows", type=int, default=300, help="строк на школу")

    def handle(self, *args, schools: int, rows: int, **options):
        try:
            with transaction.atomic():
                entries = make_entries(max(3000, rows))
                campaign = Campaign.objects.create(start_year=YEAR, deadline=f"{YEAR}-05-20")
                self.grid(campaign, entries)
                self.file_import(campaign, entries)
                self.region(campaign, entries, schools, rows)
                raise Rollback
        except Rollback:
            pass

    def grid(self, campaign, entries):
        school = School.objects.create(short_name="Бенч: сетка", full_name="Бенч: сетка")
        user = get_user_model().objects.create(
            username="bench-librarian", role=Role.LIBRARIAN, school=school
        )
        submission = Submission.objects.create(campaign=campaign, school=school)
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        url = submission.get_absolute_url()
        self.stdout.write("Сетка обеспеченности одной школы:")
        for size in (30, 300):
            ProvisionRow.objects.filter(submission=submission).delete()
            ProvisionRow.objects.bulk_create(
                [row_for(submission, entries[n], n) for n in range(size)], batch_size=500
            )
            with CaptureQueriesContext(connection) as load_queries:
                load_time, response = timed(lambda: client.get(url))
            # Counted at once: Django keeps only the last 9,000 queries.
            load_count = len(load_queries)
            data = {"rows-TOTAL": str(size)}
            for index, row in enumerate(submission.rows.select_related("fpu_entry")):
                prefix = f"rows-{index}-"
                data.update(
                    {
                        prefix + "id": row.pk,
                        prefix + "grade": row.grade,
                        prefix + "subject": row.subject,
                        prefix + "code": row.fpu_entry.code,
                        prefix + "title": row.title,
                        prefix + "pupils": row.pupils,
                        prefix + "fund": row.fund,
                        prefix + "write_off": row.write_off,
                        prefix + "from_orf": row.from_orf,
                    }
                )
            client.post(url, data)  # the first save stores each row's warnings
            data["rows-0-fund"] = int(data["rows-0-fund"]) + 1
            with CaptureQueriesContext(connection) as save_queries:
                save_time, saved = timed(lambda data=data: client.post(url, data))
            save_count = len(save_queries)
            self.stdout.write(
                f"  {size:>4} строк: загрузка {load_count} запросов, {load_time:.2f} с "
                f"(код {response.status_code}); сохранение {len(data)} полей, одна строка "
                "изменена — "
                f"{save_count} запросов, {save_time:.2f} с (код {saved.status_code})"
            )

    def file_import(self, campaign, entries):
        school = School.objects.create(short_name="Бенч: файл", full_name="Бенч: файл")
        submission = Submission.objects.create(campaign=campaign, school=school)
        workbook = Workbook()
        sheet = workbook.active
        sheet.append([title for _name, title in TEMPLATE_HEADERS])
        for n, entry in enumerate(entries[:3000]):
            row = row_for(submission, entry, n)
            sheet.append(
                [row.grade, row.subject, entry.code, None, None, None, 2020, row.pupils,
                 row.fund, row.write_off, row.from_orf, None]
            )  # fmt: skip
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
        count = 3000

        def bare():
            book = load_workbook(io.BytesIO(data), read_only=True)
            total = sum(1 for _ in book.active.iter_rows(values_only=True))
            book.close()
            return total

        bare_time, _ = timed(bare)
        parse_time, parsed = timed(lambda: parse_provision(data, submission))
        save_time, _ = timed(
            lambda: services.provision_import(
                submission=submission, parsed=parsed, user=None, file_name="b", file_hash="h"
            )
        )
        self.stdout.write("Загрузка файла школы на 3 000 строк:")
        self.stdout.write(f"  голый openpyxl (read_only): {count / bare_time:,.0f} строк/с")
        self.stdout.write(
            f"  разбор и проверка: {count / parse_time:,.0f} строк/с "
            f"({parse_time / bare_time:.2f}× голого openpyxl), ошибок: "
            f"{len(parsed.error_rows)}"
        )
        self.stdout.write(
            f"  разбор, проверка и сохранение с историей: {count / (parse_time + save_time):,.0f}"
            f" строк/с ({(parse_time + save_time) / bare_time:.2f}×)"
        )

    def region(self, _campaign, entries, schools: int, rows: int):
        start = time.perf_counter()
        # A campaign of its own, so that the figures count the region's rows only.
        campaign = Campaign.objects.create(start_year=YEAR + 1, deadline=f"{YEAR + 1}-05-20")
        School.objects.bulk_create(
            [School(short_name=f"Бенч: школа {n}", full_name=f"Бенч: школа {n}") for n in
             range(schools)],
            batch_size=500,
        )  # fmt: skip
        region = list(School.objects.filter(short_name__startswith="Бенч: школа "))
        Submission.objects.bulk_create(
            [Submission(campaign=campaign, school=s) for s in region], batch_size=500
        )
        batch = []
        for submission in Submission.objects.filter(school__in=region):
            batch.extend(row_for(submission, entries[n], n) for n in range(rows))
            if len(batch) >= 20000:
                ProvisionRow.objects.bulk_create(batch, batch_size=2000)
                batch = []
        ProvisionRow.objects.bulk_create(batch, batch_size=2000)
        total = ProvisionRow.objects.filter(submission__campaign=campaign).count()
        self.stdout.write(
            f"Статистика региона: {schools} школ × {rows} строк = {total:,} строк "
            f"(данные созданы за {time.perf_counter() - start:.0f} с)"
        )
        values = list(
            ProvisionRow.objects.filter(submission__campaign=campaign).values_list(
                "submission__school__short_name", "grade", "subject", "pupils", "fund",
                "write_off", "from_orf", "title",
            )
        )  # fmt: skip

        def bare(values):
            book = Workbook(write_only=True)
            sheet = book.create_sheet("Строки")
            for value in values:
                sheet.append(value)
            out = io.BytesIO()
            book.save(out)
            return len(out.getvalue())

        started = time.perf_counter()
        bare(values)
        bare_time = time.perf_counter() - started
        del values  # not counted in the export's memory
        tracemalloc.start()
        export_time, content = timed(
            lambda: to_xlsx(ProvisionReport(year=f"{YEAR + 1}-{YEAR + 2}").sheets())
        )
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.stdout.write(
            f"  голый openpyxl (write_only) тех же строк: {total / bare_time:,.0f} строк/с"
        )
        self.stdout.write(
            f"  книга статистики (чтение из БД, свод, 5 листов): {total / export_time:,.0f} "
            f"строк/с ({export_time / bare_time:.2f}× голого openpyxl), {len(content):,} байт"
        )
        self.stdout.write(f"  пиковая память выгрузки (tracemalloc): {peak / 2**20:.0f} МБ")
