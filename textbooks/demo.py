"""Demo textbooks: a ФПУ sample that looks like the real list, the контингент of the demo schools,
last year's closed monitoring and this year's one with schools in every status."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from metodkab.lib.years import current_start_year
from schools.models import School, User

from .models import (
    Appendix,
    Campaign,
    Enrollment,
    FpuEntry,
    FpuOrder,
    NeedReason,
    ProvisionRow,
    Status,
    Submission,
    Transfer,
    first_of_september,
    grades_label,
    grades_mask,
)

# (level code, grades, subject code, subject, [(authors, title, publisher)])
LEVELS = [
    ("1.1.1", range(1, 5), [
        ("1.1", "Русский язык", [("Канакина В.П., Горецкий В.Г.", "Русский язык", "Просвещение"),
                                 ("Иванов С.В., Евдокимова А.О.", "Русский язык", "Вентана-Граф")]),
        ("1.2", "Литературное чтение", [("Климанова Л.Ф., Горецкий В.Г.", "Литературное чтение", "Просвещение"),
                                        ("Ефросинина Л.А., Оморокова М.И.", "Литературное чтение", "Вентана-Граф")]),
        ("3.1", "Математика", [("Моро М.И., Бантова М.А.", "Математика", "Просвещение"),
                               ("Дорофеев Г.В., Миракова Т.Н.", "Математика", "Просвещение")]),
        ("4.1", "Окружающий мир", [("Плешаков А.А.", "Окружающий мир", "Просвещение")]),
        ("2.1", "Английский язык", [("Быкова Н.И., Дули Д.", "Английский язык (Spotlight)", "Просвещение"),
                                    ("Кузовлев В.П., Перегудова Э.Ш.", "Английский язык", "Просвещение")]),
    ]),
    ("1.1.2", range(5, 10), [
        ("1.1", "Русский язык", [("Ладыженская Т.А., Баранов М.Т.", "Русский язык", "Просвещение"),
                                 ("Разумовская М.М., Львова С.И.", "Русский язык", "Дрофа")]),
        ("1.2", "Литература", [("Коровина В.Я., Журавлёв В.П.", "Литература", "Просвещение")]),
        ("4.1", "Математика", [("Виленкин Н.Я., Жохов В.И.", "Математика", "Просвещение"),
                               ("Мерзляк А.Г., Полонский В.Б.", "Математика", "Вентана-Граф")]),
        ("4.2", "Алгебра", [("Макарычев Ю.Н., Миндюк Н.Г.", "Алгебра", "Просвещение")]),
        ("4.3", "Геометрия", [("Атанасян Л.С., Бутузов В.Ф.", "Геометрия", "Просвещение")]),
        ("3.1", "История", [("Вигасин А.А., Годер Г.И.", "История. Всеобщая история", "Просвещение"),
                            ("Арсентьев Н.М., Данилов А.А.", "История России", "Просвещение")]),
        ("3.4", "География", [("Алексеев А.И., Николина В.В.", "География", "Просвещение")]),
        ("5.1", "Биология", [("Пасечник В.В., Суматохин С.В.", "Биология", "Просвещение")]),
        ("5.2", "Физика", [("Пёрышкин А.В.", "Физика", "Дрофа")]),
        ("5.3", "Химия", [("Габриелян О.С., Остроумов И.Г.", "Химия", "Просвещение")]),
    ]),
    ("1.1.3", range(10, 12), [
        ("1.1", "Русский язык", [("Рыбченкова Л.М., Александрова О.М.", "Русский язык", "Просвещение")]),
        ("1.2", "Литература", [("Лебедев Ю.В.", "Литература", "Просвещение")]),
        ("4.1", "Математика", [("Алимов Ш.А., Колягин Ю.М.", "Математика: алгебра и начала анализа", "Просвещение"),
                               ("Атанасян Л.С., Бутузов В.Ф.", "Математика: геометрия", "Просвещение")]),
        ("3.2", "История", [("Мединский В.Р., Торкунов А.В.", "История России", "Просвещение")]),
        ("5.1", "Физика", [("Мякишев Г.Я., Буховцев Б.Б.", "Физика", "Просвещение")]),
        ("5.3", "Биология", [("Беляев Д.К., Дымшиц Г.М.", "Биология", "Просвещение")]),
        ("6.1", "Основы безопасности и защиты Родины", [("Хренников Б.О., Гололобов Н.В.", "Основы безопасности и защиты Родины", "Просвещение")]),
    ]),
]  # fmt: skip

ORDER_MAIN = "№ 858 от 21.09.2022"
ORDER_AMENDED = "№ 119 от 21.02.2024"


def _fpu_sample(today: date) -> list[dict]:
    """A few hundred entries: each textbook line for every grade of its level and in a few
    editions (базовый, углублённый уровень, an older edition), some excluded."""
    entries = []
    for level, grades, subjects in LEVELS:
        for subject_code, subject, lines in subjects:
            for line_no, (authors, title, publisher) in enumerate(lines, 1):
                for edition in range(1, 4):
                    for grade in grades:
                        code = f"{level}.{subject_code}.{line_no}.{edition}.{grade}"
                        full_title = (
                            title
                            if edition == 1
                            else f"{title} ({'углублённый уровень' if edition == 2 else 'издание 2019 г.'})"
                        )
                        appendix, end_date = Appendix.CURRENT, None
                        if edition == 3:
                            # Older editions went to appendix 2: some still usable, some expired.
                            appendix = Appendix.EXCLUDED
                            end_date = date(today.year + (1 if grade % 2 else -1), 5, 25)
                        entries.append({
                            "code": code, "authors": authors, "title": full_title, "grades": grades_label(grades_mask([grade])),
                            "grade_mask": grades_mask([grade]), "publisher": publisher, "appendix": appendix,
                            "end_date": end_date, "subject": subject,
                        })  # fmt: skip
    return entries


def _load_fpu(today: date) -> dict[str, FpuEntry]:
    main, _ = FpuOrder.objects.get_or_create(title=ORDER_MAIN)
    amended, _ = FpuOrder.objects.get_or_create(title=ORDER_AMENDED)
    sample = _fpu_sample(today)
    existing = set(FpuEntry.objects.values_list("code", flat=True))
    new = [
        FpuEntry(order=amended if e["appendix"] == Appendix.EXCLUDED else main,
                 **{k: v for k, v in e.items() if k != "subject"})
        for e in sample
        if e["code"] not in existing
    ]  # fmt: skip
    bulk_create_with_history(new, FpuEntry, batch_size=500)
    main.rows = sum(1 for e in sample if e["appendix"] == Appendix.CURRENT)
    amended.rows = len(sample) - main.rows
    main.save(update_fields=["rows"])
    amended.save(update_fields=["rows"])
    return FpuEntry.objects.in_bulk(field_name="code"), sample


def _enrollment(schools, years, rng) -> dict:
    counts = {}
    for school in schools:
        small = "ООШ" in school.short_name or "филиал" in school.short_name
        base = [rng.randint(8, 15) if small else rng.randint(40, 80) for _ in range(12)]
        for year in years:
            for grade in range(1, 12):
                if small and grade > 9:
                    continue
                # A cohort moves up a grade each year.
                pupils = base[(grade - (year - years[0])) % 12]
                counts[school.pk, year, grade] = pupils
                Enrollment.objects.update_or_create(
                    school=school, start_year=year, grade=grade, defaults={"pupils": pupils}
                )
    return counts


def _rows(submission, sample, by_code, counts, rng) -> list[ProvisionRow]:
    start = first_of_september(submission.campaign.start_year)
    rows = []
    for grade in range(1, 12):
        pupils = counts.get((submission.school_id, submission.campaign.start_year, grade))
        if not pupils:
            continue
        seen = set()
        for spec in sample:
            if spec["grade_mask"] != grades_mask([grade]) or spec["subject"] in seen:
                continue
            if rng.random() < 0.5 and spec["code"].split(".")[-2] == "1":
                continue  # schools use different lines; skip some first editions
            seen.add(spec["subject"])
            entry = by_code[spec["code"]]
            fund = max(0, pupils + rng.randint(-8, 4))
            write_off = rng.randint(0, min(3, fund))
            usable = entry.is_usable_on(start)
            need = pupils - (fund - write_off) if usable else pupils
            rows.append(
                ProvisionRow(
                    submission=submission, grade=grade, subject=spec["subject"], fpu_entry=entry,
                    authors=entry.authors, title=entry.title, publisher=entry.publisher,
                    edition_year=rng.randint(2016, 2021), pupils=pupils, fund=fund,
                    write_off=write_off, from_orf=0, is_usable=usable,
                    need_reason=(NeedReason.EXPIRY if not usable else NeedReason.DEFECT
                                 if write_off else NeedReason.GROWTH) if need > 0 else "",
                    warnings="" if usable else "учебник нельзя использовать в этом учебном году",
                )
            )  # fmt: skip
    return rows


def load(stdout) -> None:
    """Re-runnable: existing campaigns and rows are left as they are."""
    rng = random.Random(2021)
    today = timezone.localdate()
    by_code, sample = _load_fpu(today)
    schools = list(School.objects.active().order_by("pk"))
    this_year = current_start_year(today)
    counts = _enrollment(schools, [this_year - 1, this_year], rng)
    methodologist = User.objects.active_methodologists().first()

    last, created = Campaign.objects.get_or_create(
        start_year=this_year - 1,
        defaults={
            "deadline": date(this_year - 1, 5, 20),
            "closed_at": timezone.now() - timedelta(days=200),
        },
    )
    current, _ = Campaign.objects.get_or_create(
        start_year=this_year, defaults={"deadline": today + timedelta(days=10)}
    )
    statuses = (
        [Status.ACCEPTED] * 3 + [Status.SENT] * 3 + [Status.RETURNED] * 2 + [Status.DRAFT] * 4
    )
    for index, school in enumerate(schools):
        for campaign in (last, current):
            submission, _ = Submission.objects.get_or_create(campaign=campaign, school=school)
            if submission.rows.exists():
                continue
            status = Status.ACCEPTED if campaign == last else statuses[index % len(statuses)]
            if campaign == current and index % len(statuses) >= 10:
                continue  # two schools have not started yet
            bulk_create_with_history(_rows(submission, sample, by_code, counts, rng), ProvisionRow)
            submission.status = status
            submission.changed_by = (
                methodologist if status in (Status.ACCEPTED, Status.RETURNED) else None
            )
            if status != Status.DRAFT:
                submission.sent_at = timezone.now() - timedelta(days=rng.randint(1, 5))
            if status == Status.RETURNED:
                submission.comment = (
                    "Проверьте число обучающихся в 5 классе: не совпадает с контингентом."
                )
            submission.save()
    stdout.write(
        f"ФПУ: {len(sample)} учебников; контингент {len(schools)} школ; мониторинг "
        f"{last.year} (закрыт) и {current.year} (школы во всех состояниях)."
    )
    load_orf(stdout, rng, current)


# --- ОРФ -----------------------------------------------------------------------------------------


def load_orf(stdout, rng: random.Random, campaign: Campaign) -> None:
    """Offers from the schools' surplus and needs from their shortages in this year's monitoring,
    a few larger lots and «any edition» needs, the matching's proposal, and transfers in every
    status. Skipped when the year already has offers."""
    from django.test.utils import override_settings

    from . import exchange
    from .models import ExchangeNeed, ExchangeOffer, TransferKind, TransferStatus

    year = campaign.start_year
    if ExchangeOffer.objects.filter(start_year=year).exists():
        return
    methodologist = User.objects.active_methodologists().first()
    offers, needs = [], []
    rows = list(
        ProvisionRow.objects.filter(submission__campaign=campaign, fpu_entry__isnull=False)
        .select_related("fpu_entry", "submission")
        .order_by("pk")
    )
    for row in rows:
        school_id = row.submission.school_id
        if row.is_usable and row.surplus > 0:
            offers.append(
                ExchangeOffer(
                    school_id=school_id, start_year=year, fpu_entry=row.fpu_entry,
                    subject=row.subject, edition_year=row.edition_year,
                    copies=row.surplus + rng.choice([0, 0, 3, 6, 10]),
                    condition=rng.choice(["new", "good", "good", "fair"]),
                    price=rng.choice([Decimal("285.00"), Decimal("341.50"), Decimal("412.30")]),
                    available_until=rng.choice([None, date(year + 1, 5, 31)]), source_row=row,
                )
            )  # fmt: skip
        elif row.need > 0 and rng.random() < 0.6:
            any_edition = rng.random() < 0.15
            needs.append(
                ExchangeNeed(
                    school_id=school_id, start_year=year,
                    fpu_entry=None if any_edition else row.fpu_entry,
                    authors=row.fpu_entry.authors, title=row.fpu_entry.title,
                    subject=row.subject, grade=row.grade, copies=row.need,
                    needed_by=date(year, 9, 1), source_row=row,
                    note="подойдёт любое издание" if any_edition else "",
                )
            )  # fmt: skip
    bulk_create_with_history(offers, ExchangeOffer, default_user=methodologist)
    bulk_create_with_history(needs, ExchangeNeed, default_user=methodologist)
    # Quiet letters: the demo's librarians are not to be written to.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        result = exchange.matching_run(start_year=year, user=methodologist)
        transfers = list(
            Transfer.objects.filter(start_year=year, status=TransferStatus.PROPOSED).order_by(
                "number"
            )
        )
        agreed = transfers[:8]
        for transfer in agreed:
            exchange.transfer_agree(transfer=transfer, user=methodologist)
        for transfer in agreed[:5]:
            exchange.transfer_deliver(transfer=transfer, user=methodologist)
        exchange.transfer_return(transfer=agreed[0], user=methodologist)
        Transfer.objects.filter(pk=agreed[1].pk).update(
            kind=TransferKind.PERMANENT, return_due=None
        )
        agreed[1].refresh_from_db()
        exchange.transfer_close(transfer=agreed[1], user=methodologist)
        exchange.transfer_cancel(transfer=agreed[5], user=methodologist, reason="школа отказалась")
        exchange.round_publish(start_year=year, user=methodologist)
    stdout.write(
        f"ОРФ {campaign.year}: излишков {len(offers)}, потребностей {len(needs)}; подбор — "
        f"передач {result['transfers']}, {result['copies']} экз., не покрыто {result['unmet']} "
        "экз.; передачи во всех состояниях, список опубликован."
    )
