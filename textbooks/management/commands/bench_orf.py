"""ОРФ matching figures for `make bench`:

- the region (1,000 schools, 20 offers and 20 needs each by default): the matcher alone on plain
  records, its time and the needed copies it satisfies;
- a smaller instance checked against an exact maximum flow (networkx, a dev requirement): the
  matcher must satisfy exactly as many copies;
- the same region through the database (`exchange.matching_run`: load, match, store the proposal),
  on generated data that is rolled back at the end.
"""

import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from schools.models import School
from textbooks import exchange, matching
from textbooks.models import ExchangeNeed, ExchangeOffer, FpuEntry, FpuOrder, grades_mask

YEAR = 2043  # far from any real ОРФ year: the data is generated and rolled back
TITLES = 400  # textbook lines (authors + title) in the region's lists
EDITIONS = 3  # entries (editions) per line


class Rollback(Exception):
    pass


def textbook_lines(rng: random.Random):
    """(entry id, title key, grades) of EDITIONS entries per textbook line."""
    entries = []
    for line in range(TITLES):
        low = rng.randint(1, 9)
        grades = frozenset(range(low, min(11, low + rng.choice([0, 0, 2, 4])) + 1))
        for edition in range(EDITIONS):
            entries.append((line * EDITIONS + edition + 1, f"автор {line} учебник {line}", grades))
    return entries


def region(schools: int, per_school: int, seed: int = 2021, overlap: float = 0.05):
    """Plain records: each school offers and needs `per_school` textbooks, popular lines more
    often (as in real lists: a few lines are used by most schools). A school that uses one
    textbook for several grades moves its own copies between grades, so it rarely both offers
    and needs the same line: here 1 pick in 20 (`overlap`) is allowed to, to keep that case in the
    figures; overlap=1 is the worst case, where about half the schools both offer and need the
    most popular lines."""
    rng = random.Random(seed)
    entries = textbook_lines(rng)
    weights = [1 / (1 + i // EDITIONS) ** 0.7 for i in range(len(entries))]
    offers, needs = [], []
    for school in range(1, schools + 1):
        offered = set()
        for entry_id, key, grades in rng.choices(entries, weights, k=per_school):
            offered.add(key)
            offers.append(
                matching.Offer(
                    len(offers) + 1, school, entry_id, key, grades, rng.randint(2012, 2024),
                    rng.randint(1, 15),
                )
            )  # fmt: skip
        picked = 0
        while picked < per_school:
            entry_id, key, grades = rng.choices(entries, weights)[0]
            if key in offered and rng.random() > overlap:
                continue
            picked += 1
            needs.append(
                matching.Need(
                    len(needs) + 1, school, None if rng.random() < 0.1 else entry_id, key,
                    rng.choice(sorted(grades)), rng.randint(1, 20),
                )
            )  # fmt: skip
    return entries, offers, needs


def max_flow_value(offers, needs) -> int:
    import networkx as nx

    graph = nx.DiGraph()
    for offer in offers:
        graph.add_edge("s", ("o", offer.id), capacity=offer.copies)
    for need in needs:
        graph.add_edge(("n", need.id), "t", capacity=need.copies)
    by_key = {}
    for need in needs:
        by_key.setdefault(need.title_key, []).append(need)
    for offer in offers:
        for need in by_key.get(offer.title_key, []):
            if matching.compatible(offer, need):
                graph.add_edge(("o", offer.id), ("n", need.id), capacity=need.copies)
    return nx.maximum_flow_value(graph, "s", "t")


class Command(BaseCommand):
    help = "Замеры ОРФ: подбор передач для региона, сверка с точным максимальным потоком."

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=1000, help="школ в регионе")
        parser.add_argument("--per-school", type=int, default=20, help="излишков и потребностей")
        parser.add_argument("--check-schools", type=int, default=150, help="школ для сверки")

    def handle(self, *args, schools: int, per_school: int, check_schools: int, **options):
        self.pure(schools, per_school)
        self.pure(
            schools, per_school, overlap=1.0,
            label="  худший случай: школы предлагают и просят одни и те же учебники",
        )  # fmt: skip
        self.exact(check_schools, per_school)
        self.database(schools, per_school)

    def pure(self, schools, per_school, overlap=0.05, label="Подбор ОРФ"):
        _entries, offers, needs = region(schools, per_school, overlap=overlap)
        started = time.perf_counter()
        allocations = matching.match(offers, needs)
        elapsed = time.perf_counter() - started
        needed = sum(n.copies for n in needs)
        satisfied = sum(a.copies for a in allocations)
        exact = sum(a.copies for a in allocations if a.exact)
        self.stdout.write(
            f"{label} ({schools} школ × {per_school} излишков и {per_school} потребностей, "
            f"{len(offers):,} + {len(needs):,} строк): {elapsed:.1f} с; удовлетворено "
            f"{satisfied:,} из {needed:,} нужных экз. ({satisfied * 100 / needed:.1f} %), "
            f"из них тем же учебником {exact:,}; передач (строк) {len(allocations):,}"
        )

    def exact(self, schools, per_school):
        try:
            import networkx  # noqa: F401
        except ImportError:
            self.stdout.write("  сверка с максимальным потоком пропущена: нет networkx")
            return
        for overlap, label in ((0.05, ""), (1.0, ", худший случай")):
            _entries, offers, needs = region(schools, per_school, seed=7, overlap=overlap)
            started = time.perf_counter()
            ours = sum(a.copies for a in matching.match(offers, needs))
            ours_time = time.perf_counter() - started
            started = time.perf_counter()
            best = max_flow_value(offers, needs)
            best_time = time.perf_counter() - started
            verdict = "совпадает" if ours == best else "НЕ СОВПАДАЕТ"
            self.stdout.write(
                f"  сверка на {schools} школах{label}: подбор {ours:,} экз. за {ours_time:.2f} с, "
                f"точный максимальный поток (networkx) {best:,} экз. за {best_time:.2f} с — "
                f"{verdict}"
            )
            if ours != best:
                raise SystemExit("Подбор ОРФ удовлетворяет меньше, чем максимальный поток.")

    def database(self, schools, per_school):
        try:
            with transaction.atomic():
                self._database(schools, per_school)
                raise Rollback
        except Rollback:
            pass

    def _database(self, schools, per_school):
        started = time.perf_counter()
        entries, offers, needs = region(schools, per_school)
        order = FpuOrder.objects.create(title="Бенч ОРФ: приказ")
        FpuEntry.objects.bulk_create(
            [
                FpuEntry(
                    code=f"8.{entry_id}", authors=key.split(" учебник")[0],
                    title=f"учебник {key.split(' учебник ')[1]}", grades=str(min(grades)),
                    grade_mask=grades_mask(grades), order=order,
                )
                for entry_id, key, grades in entries
            ],
            batch_size=1000,
        )  # fmt: skip
        by_code = dict(FpuEntry.objects.filter(order=order).values_list("code", "pk"))
        entry_pk = {entry_id: by_code[f"8.{entry_id}"] for entry_id, _k, _g in entries}
        titles = {entry_id: key for entry_id, key, _g in entries}
        School.objects.bulk_create(
            [School(short_name=f"Бенч ОРФ {n}", full_name=f"Бенч ОРФ {n}") for n in
             range(schools)],
            batch_size=1000,
        )  # fmt: skip
        school_pk = dict(
            enumerate(
                School.objects.filter(short_name__startswith="Бенч ОРФ ")
                .order_by("pk")
                .values_list("pk", flat=True),
                start=1,
            )
        )
        ExchangeOffer.objects.bulk_create(
            [
                ExchangeOffer(
                    school_id=school_pk[o.school_id], start_year=YEAR,
                    fpu_entry_id=entry_pk[o.entry_id], edition_year=o.edition_year,
                    copies=o.copies,
                )
                for o in offers
            ],
            batch_size=2000,
        )  # fmt: skip
        ExchangeNeed.objects.bulk_create(
            [
                ExchangeNeed(
                    school_id=school_pk[n.school_id], start_year=YEAR,
                    fpu_entry_id=entry_pk[n.entry_id] if n.entry_id else None,
                    authors=titles_authors(titles, n), title=titles_title(titles, n),
                    grade=n.grade, copies=n.copies,
                )
                for n in needs
            ],
            batch_size=2000,
        )  # fmt: skip
        prepared = time.perf_counter() - started
        started = time.perf_counter()
        result = exchange.matching_run(start_year=YEAR, user=None)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"  через базу данных (matching_run: чтение, подбор, запись предложения): "
            f"{elapsed:.1f} с (данные созданы за {prepared:.0f} с); передач "
            f"{result['transfers']:,}, строк {result['lines']:,}, {result['copies']:,} экз., "
            f"не покрыто {result['unmet']:,} экз."
        )


def titles_authors(titles, need) -> str:
    return need.title_key.split(" учебник")[0]


def titles_title(titles, need) -> str:
    return "учебник " + need.title_key.split(" учебник ")[1]
