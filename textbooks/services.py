"""Writes that touch several rows or models: imports, campaigns, status changes, the grid."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from metodkab.lib.years import year_label
from schools.models import School

from .importers import ParsedFile
from .models import (
    GRADES,
    Campaign,
    Enrollment,
    FpuEntry,
    FpuOrder,
    ProvisionImport,
    ProvisionRow,
    Status,
    Submission,
    first_of_september,
    textbook_key,
)

FPU_FIELDS = ["authors", "title", "grades", "grade_mask", "publisher", "appendix", "end_date"]


def fpu_import(
    *, parsed: ParsedFile, order_title: str, user=None, file_name: str = "", file_hash: str = ""
) -> dict:
    """Saves a checked ФПУ file: new codes are added, changed entries are updated and remember
    this order (their earlier state stays in the history), unchanged ones are left alone.
    Returns the counts {"created", "updated", "unchanged"}."""
    order_title = " ".join(order_title.split())
    if not order_title:
        raise ValidationError("Укажите приказ, например «№ 858 от 21.09.2022».")
    if not parsed.ok:
        raise ValidationError("В файле есть ошибки: ничего не сохранено.")
    with transaction.atomic():
        order, _ = FpuOrder.objects.get_or_create(title=order_title)
        order.imported_by = user
        order.file_name = file_name[:255]
        order.file_hash = file_hash
        order.rows = len(parsed.rows)
        order.save()
        existing = FpuEntry.objects.in_bulk(
            [row.values["code"] for row in parsed.rows], field_name="code"
        )
        created, updated = [], []
        for row in parsed.rows:
            values = row.values
            entry = existing.get(values["code"])
            if entry is None:
                created.append(FpuEntry(order=order, **values))
            elif any(getattr(entry, name) != values[name] for name in FPU_FIELDS):
                for name in FPU_FIELDS:
                    setattr(entry, name, values[name])
                entry.order = order
                updated.append(entry)
        bulk_create_with_history(created, FpuEntry, batch_size=500, default_user=user)
        bulk_update_with_history(
            updated, FpuEntry, [*FPU_FIELDS, "order"], batch_size=500, default_user=user
        )
    return {
        "created": len(created),
        "updated": len(updated),
        "unchanged": len(parsed.rows) - len(created) - len(updated),
    }


def enrollment_forecast(*, counts: dict[int, int]) -> dict[int, int]:
    """Next year's pupils per grade: this year's grade below moves up (practice); grade 1 is
    proposed as this year's grade 1, there being nothing below it."""
    forecast = {}
    for grade in GRADES:
        source = counts.get(grade - 1) if grade > 1 else counts.get(1)
        if source is not None:
            forecast[grade] = source
    return forecast


def enrollment_counts(*, school, start_year: int) -> dict[int, int]:
    return dict(
        Enrollment.objects.filter(school=school, start_year=start_year).values_list(
            "grade", "pupils"
        )
    )


def enrollment_save(*, school, start_year: int, counts: dict, forecast: dict, user) -> None:
    """Saves this year's pupils and next year's forecast; an empty grade is removed."""
    if not Enrollment.is_writable_for(user, school):
        raise ValidationError("Контингент школы может менять её библиотекарь или методист.")
    with transaction.atomic():
        for year, values in ((start_year, counts), (start_year + 1, forecast)):
            existing = {
                e.grade: e for e in Enrollment.objects.filter(school=school, start_year=year)
            }
            for grade, pupils in values.items():
                entry = existing.get(grade)
                if pupils is None:
                    if entry:
                        entry.delete()
                elif entry is None:
                    Enrollment.objects.create(
                        school=school, start_year=year, grade=grade, pupils=pupils
                    )
                elif entry.pupils != pupils:
                    entry.pupils = pupils
                    entry.save(update_fields=["pupils"])


# --- Campaigns and submissions -------------------------------------------------------------------

PLAN_FRAGMENT = "Мониторинг обеспеченности"


def default_plan_item(on_date=None):
    """The plan item the monitoring fulfils, found by its text; None without a plan."""
    from plan.models import PlanItem

    return PlanItem.objects.find_by_text(PLAN_FRAGMENT, on_date=on_date)


def _record_on_plan(campaign: Campaign, note: str, user) -> None:
    if campaign.plan_item_id is None:
        return  # campaigns work without a plan
    from plan.services import execution_record

    execution_record(
        item=campaign.plan_item,
        date=timezone.localdate(),
        note=note,
        source=campaign,
        user=user if user and user.is_authenticated else None,
    )


def campaign_open(
    *, start_year: int, deadline: date, user=None, plan_item=None, use_default_plan_item=True
) -> Campaign:
    """Opens the monitoring for a school year: every active school gets a draft submission."""
    if Campaign.objects.filter(start_year=start_year).exists():
        raise ValidationError(f"Мониторинг на {year_label(start_year)} учебный год уже открыт.")
    with transaction.atomic():
        if plan_item is None and use_default_plan_item:
            plan_item = default_plan_item()
        campaign = Campaign.objects.create(
            start_year=start_year, deadline=deadline, opened_by=user, plan_item=plan_item
        )
        submissions = [
            Submission(campaign=campaign, school=school, changed_by=user)
            for school in School.objects.active()
        ]
        bulk_create_with_history(submissions, Submission, default_user=user)
        _record_on_plan(
            campaign,
            f"Открыт {campaign.title.lower()}, срок сдачи {deadline:%d.%m.%Y}, "
            f"школ: {len(submissions)}.",
            user,
        )
    return campaign


def campaign_close(*, campaign: Campaign, user) -> None:
    if not campaign.is_open:
        raise ValidationError("Кампания уже закрыта.")
    with transaction.atomic():
        campaign.closed_at = timezone.now()
        campaign.save(update_fields=["closed_at"])
        counts = dict(
            campaign.submissions.values("status").annotate(n=Count("pk")).values_list("status", "n")
        )
        _record_on_plan(
            campaign,
            f"Закрыт {campaign.title.lower()}: принято {counts.get(Status.ACCEPTED, 0)} из "
            f"{sum(counts.values())}.",
            user,
        )


def _set_status(submission: Submission, status: str, user, comment: str | None = None) -> None:
    submission.status = status
    submission.changed_at = timezone.now()
    submission.changed_by = user
    fields = ["status", "changed_at", "changed_by"]
    if comment is not None:
        submission.comment = comment
        fields.append("comment")
    if status == Status.SENT:
        submission.sent_at = submission.changed_at
        fields.append("sent_at")
    submission.save(update_fields=fields)


def submission_send(*, submission: Submission, user) -> None:
    if not submission.can_send(user):
        raise ValidationError("Отправить можно черновик или отчёт, возвращённый на доработку.")
    with transaction.atomic():
        if not submission.rows.exists():
            raise ValidationError("В отчёте нет ни одной строки: заполните его перед отправкой.")
        _set_status(submission, Status.SENT, user)


def submission_return(*, submission: Submission, user, comment: str) -> None:
    if not submission.can_review(user):
        raise ValidationError("Вернуть на доработку можно только отправленный отчёт.")
    if not comment.strip():
        raise ValidationError("Напишите, что нужно исправить.")
    with transaction.atomic():
        _set_status(submission, Status.RETURNED, user, comment.strip())


def submission_accept(*, submission: Submission, user) -> None:
    if not submission.can_review(user):
        raise ValidationError("Принять можно только отправленный отчёт.")
    with transaction.atomic():
        _set_status(submission, Status.ACCEPTED, user, "")


def submission_reopen(*, submission: Submission, user, comment: str = "") -> None:
    """The office unlocks an accepted submission for corrections."""
    if not submission.can_reopen(user):
        raise ValidationError("Открыть для исправлений можно только принятый отчёт.")
    with transaction.atomic():
        _set_status(submission, Status.RETURNED, user, comment.strip())


# --- Provision rows ------------------------------------------------------------------------------

ROW_FIELDS = [
    "grade",
    "subject",
    "fpu_entry",
    "authors",
    "title",
    "publisher",
    "edition_year",
    "pupils",
    "fund",
    "write_off",
    "from_orf",
    "need_reason",
    "is_usable",
    "warnings",
]


def _row_key(row) -> tuple:
    return textbook_key(row.grade, row.fpu_entry_id, row.authors, row.title)


def provision_save(
    *,
    submission: Submission,
    rows: list[tuple[int | None, dict]],
    user,
    delete_ids=(),
    replace_all: bool = False,
) -> dict:
    """Saves checked rows: (id of an existing row or None, values from ProvisionChecker).

    The grid passes ids (a grade or the whole school at a time, with rows to delete); a file
    import passes replace_all=True, and then rows are matched to existing ones by grade and
    textbook, so that an unchanged row stays unchanged and a changed one keeps its history.
    Only rows that really change are written. Returns {"created", "updated", "deleted"}.
    """
    if user is not None and not submission.is_writable_by(user):
        raise ValidationError("Этот отчёт сейчас нельзя менять.")
    with transaction.atomic():
        existing = {row.pk: row for row in submission.rows.all()}
        by_key = {_row_key(row): row for row in existing.values()}
        delete_ids = set(delete_ids) & existing.keys()
        created, updated, kept = [], [], set()
        for row_id, values in rows:
            if row_id is not None and row_id not in existing:
                raise ValidationError("Строка не найдена: обновите страницу и внесите её снова.")
            if replace_all:
                candidate = ProvisionRow(submission=submission, **values)
                row = by_key.get(_row_key(candidate))
                if row is not None and row.pk in kept:
                    row = None
            else:
                row = existing.get(row_id) if row_id is not None else None
            if row is None:
                created.append(ProvisionRow(submission=submission, **values))
                continue
            kept.add(row.pk)
            changed = False
            for name in ROW_FIELDS:
                if name == "fpu_entry":  # compared by id: no query per row
                    entry = values[name]
                    if row.fpu_entry_id != (entry.pk if entry else None):
                        row.fpu_entry = entry
                        changed = True
                elif getattr(row, name) != values[name]:
                    setattr(row, name, values[name])
                    changed = True
            if changed:
                updated.append(row)
        if replace_all:
            delete_ids = existing.keys() - kept
        # The same textbook twice for one grade, across the rows not sent this time too.
        final = [r for pk, r in existing.items() if pk not in delete_ids] + created
        seen = set()
        for row in final:
            key = _row_key(row)
            if key in seen:
                raise ValidationError(
                    f"Учебник «{row.title}» для {row.grade} класса указан дважды."
                )
            seen.add(key)
        if delete_ids:
            # One by one, so that each deletion is kept in the row's history.
            for row in ProvisionRow.objects.filter(pk__in=delete_ids):
                row._history_user = user
                row.delete()
        bulk_create_with_history(created, ProvisionRow, default_user=user)
        bulk_update_with_history(
            updated,
            ProvisionRow,
            ROW_FIELDS,
            default_user=user,
        )
    return {"created": len(created), "updated": len(updated), "deleted": len(delete_ids)}


def provision_copy_last_year(*, submission: Submission, user) -> int:
    """«Начать с прошлого года»: last year's rows of the school with grades moved up (grade 11
    leaves), pupils from the forecast (контингент of this year), copies as they were. Rows
    already present are left alone. Returns how many rows were added."""
    if not submission.is_writable_by(user):
        raise ValidationError("Этот отчёт сейчас нельзя менять.")
    previous = (
        Submission.objects.filter(
            school=submission.school, campaign__start_year=submission.campaign.start_year - 1
        )
        .select_related("campaign")
        .first()
    )
    if previous is None:
        raise ValidationError("Отчёта школы за прошлый год нет: копировать нечего.")
    forecast = dict(
        Enrollment.objects.filter(
            school=submission.school, start_year=submission.campaign.start_year
        ).values_list("grade", "pupils")
    )
    with transaction.atomic():
        present = {_row_key(row) for row in submission.rows.all()}
        start = first_of_september(submission.campaign.start_year)
        new_rows = []
        for old in previous.rows.select_related("fpu_entry").filter(grade__lt=11):
            row = ProvisionRow(
                submission=submission,
                grade=old.grade + 1,
                pupils=forecast.get(old.grade + 1, old.pupils),
                **{
                    name: getattr(old, name)
                    for name in ROW_FIELDS
                    if name not in ("grade", "pupils", "is_usable", "warnings")
                },
            )
            entry = old.fpu_entry
            row.is_usable = entry is None or entry.is_usable_on(start)
            if _row_key(row) not in present:
                present.add(_row_key(row))
                new_rows.append(row)
        bulk_create_with_history(new_rows, ProvisionRow, default_user=user)
    return len(new_rows)


def provision_import(*, submission: Submission, parsed, user, file_name: str, file_hash: str):
    """Loads a checked school file: the file becomes the school's rows (matched to the existing
    ones by grade and textbook), all or nothing, and the import is recorded."""
    if not parsed.ok:
        raise ValidationError("В файле есть ошибки: ничего не сохранено.")
    if not submission.is_editable:
        raise ValidationError("Отчёт принят или мониторинг закрыт: загрузка невозможна.")
    with transaction.atomic():
        counts = provision_save(
            submission=submission,
            rows=[(None, row.values) for row in parsed.rows],
            user=user,
            replace_all=True,
        )
        ProvisionImport.objects.create(
            submission=submission,
            imported_by=user,
            file_name=file_name[:255],
            file_hash=file_hash,
            rows=len(parsed.rows),
        )
    return counts
