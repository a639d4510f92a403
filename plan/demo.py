"""Demo plan: the real 2020-2021 plan (plan/data/) with its year carried out, and a copy for the
current academic year carried out up to today, with a few checkpoints left overdue."""

from datetime import date, timedelta
from pathlib import Path

from django.utils import timezone

from metodkab.lib.ru import MONTHS_GENITIVE
from metodkab.lib.years import current_start_year
from schools.models import User

from .deadlines import parse_deadline
from .models import Execution, Plan, PlanItem
from .parsers import parse_plan_file
from .services import execution_record, item_save, plan_copy_to_year, plan_import

SEED = Path(__file__).resolve().parent / "data" / "plan-2020-2021.txt"

# What the office wrote in «Отметка о выполнении», by a fragment of the item's text.
NOTES = {
    "Формирование фонда": "Приняты в фонд поступления по накладным, записи в КСУ",
    "подписки": "Оформлена подписка на периодические издания на полугодие",
    "размещения": "Проверена расстановка фонда, обновлены полочные разделители",
    "учёта": "Сверка инвентарной книги и КСУ",
    "Мониторинг обеспеченности": "Собраны и сведены данные об обеспеченности учебниками всех ОО",
    "ОРФ": "Сформирован список ОРФ, разослан в ОО; согласованы передачи учебников",
    "Освобождение фонда": "Составлен акт о списании устаревшей литературы",
    "тематических выставок": "Обновлена выставка «Нормативные документы»",
    "рекомендаций": "Подготовлены образцы документов для школьных библиотек",
    "знаменательным датам": "В ОО проведены книжные выставки к знаменательным датам",
    "конкурса": "Проведён муниципальный конкурс «Лучшая школьная библиотека (БИЦ)»",
    "сайта": "Размещены новости о проведённых мероприятиях на сайте комитета",
    "МУМО": "Проведено заседание МУМО школьных библиотекарей, протокол оформлен",
    "консультативной": "Проведены консультации библиотекарей по вопросам работы",
    "методических рекомендаций": "Выпущены методические рекомендации для библиотекарей",
    "статистических": "Подготовлены статистические данные по запросу комитета",
}
# Checkpoints left without an execution, to show what an overdue item looks like.
SKIPPED = ("учёта", "сайта")


def _note(item) -> str:
    for fragment, note in NOTES.items():
        if fragment.lower() in item.text.lower():
            return note
    return "Выполнено"


def _carry_out(plan: Plan, until: date, user, skip=()) -> int:
    """Executions for the plan's checkpoints that ended by `until`; throughout items get one
    each month. Deterministic, so that running the loader twice changes nothing."""
    count = 0
    items = [item for section in plan.sections.order_by("order") for item in section.items.all()]
    for index, item in enumerate(items):
        if any(fragment.lower() in item.text.lower() for fragment in skip):
            continue
        for checkpoint in item.checkpoints.all():
            if checkpoint.is_whole_year:
                # Ongoing work: a note every month, on a different day for each item.
                offset = 3 + index * 7 % 24
                days = [checkpoint.start + timedelta(days=offset + 30 * n) for n in range(12)]
            elif checkpoint.end <= until:
                days = [max(checkpoint.start, checkpoint.end - timedelta(days=5 + index % 9))]
            else:
                continue  # still open: left for the methodologist to do
            for day in days:
                if day > until or Execution.objects.filter(item=item, date=day).exists():
                    continue
                execution_record(item=item, date=day, note=_note(item), user=user)
                count += 1
    return count


def _add_dated_items(plan: Plan, today: date) -> None:
    """Items with dates around today, so that the demo year has something overdue, due and
    coming whatever day it is loaded on."""
    section = plan.sections.order_by("order").last()
    soon = today + timedelta(days=35)
    for text, when in [
        ("Подготовка сведений о книгообеспеченности ОО для комитета", today - timedelta(days=6)),
        ("Совещание школьных библиотекарей по итогам мониторинга", today + timedelta(days=5)),
        ("Обзор новинок методической литературы для школьных библиотекарей", soon),
    ]:
        if not section.items.filter(text=text).exists():
            phrase = f"До {when.day} {MONTHS_GENITIVE[when.month - 1]}"
            item_save(item=PlanItem(section=section, text=text), deadline=parse_deadline(phrase))


def load(stdout):
    user = User.objects.filter(username="metodist").first()
    history = plan_import(parsed=parse_plan_file(SEED.read_bytes()), start_year=2020)
    history.approver_name = "Т. Н. Морозова"
    history.approver_position = "Председатель Комитета администрации г. Славгорода по образованию"
    history.approved_on = date(2020, 8, 28)
    history.save()
    done = _carry_out(history, date(2021, 8, 31), user)

    current = current_start_year()
    plan = Plan.objects.filter(start_year=current).first()
    if plan is None:
        plan = plan_copy_to_year(plan=history, start_year=current)
    today = timezone.localdate()
    _add_dated_items(plan, today)
    done += _carry_out(
        plan, today - timedelta(days=3), user, skip=SKIPPED + ("книгообеспеченности",)
    )
    stdout.write(f"План 2020-2021 и план {plan.year_label}: новых отметок о выполнении {done}.")
