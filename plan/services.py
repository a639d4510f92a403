"""Writes to the plan: imports, item editing, executions, copying a plan to the next year."""

from dataclasses import replace
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .deadlines import Deadline, due_periods, parse_deadline
from .models import Checkpoint, DeadlineKind, Execution, Plan, PlanImport, PlanItem, Section
from .parsers import ParsedPlan


def deadline_fields(deadline: Deadline, start_year: int) -> dict:
    """PlanItem field values for a parsed deadline inside the given academic year."""
    when = None
    if deadline.kind == DeadlineKind.DATE:
        when = resolve_date(deadline, start_year)
    return {
        "deadline_text": deadline.text,
        "deadline_kind": deadline.kind,
        "deadline_months": list(deadline.months),
        "times_per_year": deadline.times_per_year,
        "deadline_date": when,
        "deadline_before": deadline.before,
    }


def resolve_date(deadline: Deadline, start_year: int) -> date:
    if deadline.year:
        return date(deadline.year, deadline.month, deadline.day)
    year = start_year if deadline.month >= 9 else start_year + 1
    return date(year, deadline.month, deadline.day)


def item_rebuild_checkpoints(item: PlanItem, start_year: int) -> list[Checkpoint]:
    """Replace the item's checkpoints with those its deadline gives in the academic year. The
    executions keep their dates and are attached again to the checkpoint that contains them."""
    item.checkpoints.all().delete()
    checkpoints = Checkpoint.objects.bulk_create(
        Checkpoint(item=item, start=p.start, end=p.end, label=p.label)
        for p in due_periods(item.deadline, start_year)
    )
    for execution in item.executions.all():
        execution.checkpoint = pick_checkpoint(checkpoints, execution.date)
        execution.save(update_fields=["checkpoint"])
    return checkpoints


def pick_checkpoint(checkpoints, when: date, done_ids: set | None = None):
    """The checkpoint an execution on `when` fulfils: the one whose period contains the date;
    otherwise the latest earlier one not done yet (work done late still counts)."""
    done_ids = done_ids or set()
    for checkpoint in checkpoints:
        if checkpoint.start <= when <= checkpoint.end:
            return checkpoint
    earlier = [cp for cp in checkpoints if cp.end < when and cp.pk not in done_ids]
    return earlier[-1] if earlier else None


@transaction.atomic
def execution_record(
    *,
    item: PlanItem,
    date: date,
    note: str,
    source=None,
    user=None,
    file=None,
    checkpoint: Checkpoint | None = None,
) -> Execution:
    """Record that work was done against a plan item. Other apps call this with the record they
    made (`source`: any model instance), and the item page links to it."""
    if not note.strip():
        raise ValidationError("Опишите, что сделано.")
    if checkpoint is not None and checkpoint.item_id != item.pk:
        raise ValidationError("Контрольная точка относится к другому пункту плана.")
    if checkpoint is None:
        checkpoints = list(item.checkpoints.all())
        done = set(
            Execution.objects.filter(item=item, checkpoint__isnull=False).values_list(
                "checkpoint_id", flat=True
            )
        )
        checkpoint = pick_checkpoint(checkpoints, date, done)
    execution = Execution(
        item=item,
        checkpoint=checkpoint,
        date=date,
        note=note.strip(),
        created_by=user,
    )
    if source is not None:
        execution.source_type = ContentType.objects.get_for_model(source)
        execution.source_id = source.pk
    if file:
        execution.file = file
    execution.save()
    return execution


@transaction.atomic
def execution_delete(*, execution: Execution) -> None:
    if execution.file:
        execution.file.delete(save=False)
    execution.delete()


def executions_for(source):
    """The executions a record of another app produced (for showing them on its page)."""
    return Execution.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk
    ).select_related("item")


# --- Items -------------------------------------------------------------------------------------


@transaction.atomic
def item_save(*, item: PlanItem, deadline: Deadline) -> PlanItem:
    """Save an item with its (parsed or hand-set) deadline and recompute its checkpoints."""
    start_year = item.section.plan.start_year
    for field, value in deadline_fields(deadline, start_year).items():
        setattr(item, field, value)
    if item.pk is None:
        last = item.section.items.aggregate(last=Max("order"))["last"]
        item.order = (last or 0) + 1
    item.save()
    item_rebuild_checkpoints(item, start_year)
    return item


@transaction.atomic
def item_move(*, item: PlanItem, direction: int) -> None:
    """Swap the item with its neighbour above (-1) or below (+1) in its section."""
    siblings = list(item.section.items.select_for_update().order_by("order", "pk"))
    for position, sibling in enumerate(siblings):  # normalise 1..n first
        sibling.order = position + 1
    index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
    other = index + direction
    if 0 <= other < len(siblings):
        siblings[index].order, siblings[other].order = siblings[other].order, siblings[index].order
    PlanItem.objects.bulk_update(siblings, ["order"])


@transaction.atomic
def item_delete(*, item: PlanItem) -> None:
    if item.executions.exists():
        raise ValidationError(
            "У пункта есть отметки о выполнении: удалите их сначала или отметьте пункт "
            "как «не выполняется»."
        )
    item.delete()


# --- Import ------------------------------------------------------------------------------------


def _item_key(number: str, text: str) -> tuple[str, str]:
    """How an imported item is matched to an existing one: by its number, or by its text when
    it has none."""
    number = number.strip().rstrip(".")
    return (number, "") if number else ("", " ".join(text.casefold().split()))


@transaction.atomic
def plan_import(
    *, parsed: ParsedPlan, start_year: int, plan_import: PlanImport | None = None
) -> Plan:
    """Create the year's plan from a parsed file, or update it when it exists: sections and
    items are matched by number (unnumbered items by text), so executions survive a re-import.
    Items that are no longer in the file are removed unless they have executions."""
    plan, _ = Plan.objects.get_or_create(
        start_year=start_year, defaults={"title": parsed.title or "План работы"}
    )
    if parsed.title:
        plan.title = parsed.title
        plan.save(update_fields=["title"])

    sections = {s.number.rstrip(".") or s.title: s for s in plan.sections.all()}
    items = {}
    for item in PlanItem.objects.filter(section__plan=plan):
        items.setdefault((item.section_id, *_item_key(item.number, item.text)), item)
    kept_items = set()
    kept_sections = set()
    for order, parsed_section in enumerate(parsed.sections, start=1):
        key = parsed_section.number.rstrip(".") or parsed_section.title
        section = sections.get(key) or Section(plan=plan)
        section.number = parsed_section.number
        section.title = parsed_section.title
        section.order = order
        section.save()
        kept_sections.add(section.pk)
        for item_order, parsed_item in enumerate(parsed_section.items, start=1):
            item_key = (section.pk, *_item_key(parsed_item.number, parsed_item.text))
            item = items.get(item_key) or PlanItem(section=section)
            item.number = parsed_item.number
            item.text = parsed_item.text
            item.responsible = parsed_item.responsible or item.responsible
            item.order = item_order
            deadline = parse_deadline(parsed_item.deadline_text)
            if parsed_item.schedule and parsed_item.schedule.kind != deadline.kind:
                deadline = parsed_item.schedule  # set by hand before the export
            for field, value in deadline_fields(deadline, start_year).items():
                setattr(item, field, value)
            item.save()
            kept_items.add(item.pk)
            item_rebuild_checkpoints(item, start_year)
            for when, note in getattr(parsed_item, "executions", []):
                if not item.executions.filter(date=when, note=note).exists():
                    execution_record(item=item, date=when, note=note)

    stale = PlanItem.objects.filter(section__plan=plan).exclude(pk__in=kept_items)
    stale.filter(executions__isnull=True).delete()
    plan.sections.exclude(pk__in=kept_sections).filter(items__isnull=True).delete()

    if plan_import is not None:
        plan_import.plan = plan
        plan_import.start_year = start_year
        plan_import.confirmed_at = timezone.now()
        plan_import.items_count = sum(len(s.items) for s in parsed.sections)
        plan_import.save()
    return plan


def plan_import_drafts_purge() -> int:
    """Remove uploads whose preview was never confirmed (older than a day) with their files."""
    stale = list(PlanImport.stale())
    for draft in stale:
        draft.file.delete(save=False)
        draft.delete()
    return len(stale)


@transaction.atomic
def plan_copy_to_year(*, plan: Plan, start_year: int) -> Plan:
    """Next year's plan as a copy: same sections and items, deadlines recomputed for the new
    year, no executions."""
    if Plan.objects.filter(start_year=start_year).exists():
        raise ValidationError(f"План на {start_year}-{start_year + 1} учебный год уже есть.")
    old_label = plan.year_label
    new_label = f"{start_year}-{start_year + 1}"
    copy = Plan.objects.create(
        start_year=start_year,
        title=plan.title.replace(old_label, new_label),
        approver_name=plan.approver_name,
        approver_position=plan.approver_position,
    )
    for section in plan.sections.prefetch_related("items"):
        new_section = Section.objects.create(
            plan=copy, number=section.number, title=section.title, order=section.order
        )
        for item in section.items.all():
            new_item = PlanItem(
                section=new_section,
                number=item.number,
                text=item.text,
                responsible=item.responsible,
                order=item.order,
            )
            deadline = item.deadline
            if item.deadline_kind == DeadlineKind.DATE:
                # A date moves with the year: re-read the phrase, or shift the stored date.
                reparsed = parse_deadline(item.deadline_text)
                deadline = reparsed if reparsed.kind == DeadlineKind.DATE else deadline
                if deadline.year:
                    deadline = _shift_year(deadline, start_year - plan.start_year)
            item_save(item=new_item, deadline=deadline)
    return copy


def _shift_year(deadline: Deadline, years: int) -> Deadline:
    return replace(deadline, year=deadline.year + years)


def plan_preview(parsed: ParsedPlan, start_year: int) -> dict:
    """What an import would save, for the preview page: each item with its understood deadline
    and due periods, and every warning (unparsed deadlines, the parser's own notes)."""
    warnings = list(parsed.warnings)
    sections = []
    for section in parsed.sections:
        items = []
        for item in section.items:
            deadline = parse_deadline(item.deadline_text)
            periods = due_periods(deadline, start_year)
            if deadline.kind == DeadlineKind.UNPARSED:
                warnings.append(
                    f"Пункт {item.number or '(без номера)'} «{item.text[:60]}»: срок "
                    f"«{item.deadline_text}» не распознан — он сохранится как написан, "
                    "а как его понимать, можно указать потом в пункте плана."
                )
            items.append({"item": item, "deadline": deadline, "periods": periods})
        sections.append({"section": section, "items": items})
    return {
        "sections": sections,
        "warnings": warnings,
        "items_count": sum(len(s["items"]) for s in sections),
    }
