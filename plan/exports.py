"""The plan as documents: the approved plan and the execution report (.xlsx and PDF)."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import timezone

from metodkab.lib.years import parse_year
from reports.base import INT, PERCENT, Column, Report
from schools.models import Role

from .models import Checkpoint, Execution, Plan, PlanItem, Status

YEAR_PARAMETER = {"year": ("Учебный год", parse_year)}


def load_plan(start_year: int) -> Plan:
    """The plan with sections, items, checkpoints and executions in a fixed number of queries."""
    plan = Plan.objects.filter(start_year=start_year).first()
    if plan is None:
        raise ValidationError(f"Плана на {start_year}-{start_year + 1} учебный год нет.")
    items = PlanItem.objects.order_by("order", "pk").prefetch_related(
        Prefetch("checkpoints", queryset=Checkpoint.objects.prefetch_related("executions")),
        Prefetch("executions", queryset=Execution.objects.order_by("date", "pk")),
    )
    plan.loaded_sections = list(plan.sections.prefetch_related(Prefetch("items", queryset=items)))
    return plan


class PlanReport(Report):
    identifier = "plan"
    title = "План работы"
    roles = {Role.METHODOLOGIST, Role.COMMITTEE}
    parameters = YEAR_PARAMETER
    total_label = None
    pdf_template = "plan/pdf/plan.html"
    columns = [
        Column("№ п/п", width=8),
        Column("Мероприятия", width=60),
        Column("Сроки выполнения", width=20),
        Column("Ответственный", width=20),
        Column("Отметка о выполнении", width=20),
    ]

    def __init__(self, user=None, **params):
        super().__init__(user, **params)
        self.plan = load_plan(self.params["year"])

    def get_title(self) -> str:
        return self.plan.title

    def rows(self):
        for section in self.plan.loaded_sections:
            yield (section.number, section.title, None, None, None)
            for item in section.items.all():
                yield (item.number, item.text, item.deadline_text, item.responsible, None)

    def pdf_context(self) -> dict:
        return {"title": self.plan.title, "plan": self.plan, "sections": self.plan.loaded_sections}


def item_progress(item: PlanItem, today) -> dict:
    checkpoints = list(item.checkpoints.all())
    done = sum(1 for cp in checkpoints if cp.executions.all())
    return {
        "checkpoints": checkpoints,
        "done": done,
        "total": len(checkpoints),
        "status": item.status(today),
        "executions": list(item.executions.all()),
    }


def share(done: int, total: int) -> float | None:
    return round(done * 100 / total, 1) if total else None


class PlanExecutionReport(Report):
    identifier = "plan-execution"
    title = "Отчёт о выполнении плана работы"
    roles = {Role.METHODOLOGIST, Role.COMMITTEE}
    parameters = YEAR_PARAMETER
    total_label = None  # the report computes its own ИТОГО: a share is not a sum
    landscape = True
    columns = [
        Column("№ п/п", width=7),
        Column("Мероприятие", width=45),
        Column("Сроки", width=16),
        Column("Контрольные точки", width=28),
        Column("Выполнено точек", INT, 10),
        Column("Всего точек", INT, 10),
        Column("Выполнено, %", PERCENT, 10),
        Column("Отметки о выполнении", width=45),
        Column("Состояние", width=14),
    ]

    def __init__(self, user=None, **params):
        super().__init__(user, **params)
        self.plan = load_plan(self.params["year"])
        self.today = timezone.localdate()

    def get_title(self) -> str:
        return f"Отчёт о выполнении плана работы на {self.plan.year_label} учебный год"

    def rows(self):
        grand_done = grand_total = 0
        for section in self.plan.loaded_sections:
            lines = []
            done = total = 0
            for item in section.items.all():
                progress = item_progress(item, self.today)
                if progress["status"] != Status.NOT_APPLICABLE:
                    done += progress["done"]
                    total += progress["total"]
                lines.append(
                    (
                        item.number,
                        item.text,
                        item.deadline_text,
                        "; ".join(cp.label for cp in progress["checkpoints"]),
                        progress["done"],
                        progress["total"],
                        share(progress["done"], progress["total"]),
                        "; ".join(_execution_text(e) for e in progress["executions"]),
                        Status(progress["status"]).label,
                    )
                )
            grand_done += done
            grand_total += total
            yield (
                section.number,
                f"Раздел: {section.title}",
                None,
                None,
                done,
                total,
                share(done, total),
                None,
                None,
            )
            yield from lines
        yield ("ИТОГО", None, None, None, grand_done, grand_total, share(grand_done, grand_total),
               None, None)  # fmt: skip

    def pdf_context(self) -> dict:
        context = super().pdf_context()
        context["footer"] = f"Отчёт о выполнении плана работы на {self.plan.year_label} учебный год"
        return context


def _execution_text(execution: Execution) -> str:
    text = f"{execution.date:%d.%m.%Y} {execution.note}"
    if execution.file:
        text += f" (документ: {execution.file_name})"
    return text


def plan_as_json(plan: Plan) -> dict:
    """The plan in the export format documented in README.md (imports back with import_plan)."""
    plan = load_plan(plan.start_year)
    return {
        "year": plan.year_label,
        "title": plan.title,
        "sections": [
            {
                "number": section.number,
                "title": section.title,
                "items": [_item_json(item) for item in section.items.all()],
            }
            for section in plan.loaded_sections
        ],
    }


def _item_json(item: PlanItem) -> dict:
    return {
        "number": item.number,
        "text": item.text,
        "deadline": {
            "text": item.deadline_text,
            "kind": item.deadline_kind,
            "months": list(item.deadline_months or []),
            "times_per_year": item.times_per_year,
            "date": item.deadline_date.isoformat() if item.deadline_date else None,
        },
        "responsible": item.responsible,
        "executions": [
            {"date": execution.date.isoformat(), "note": execution.note}
            for execution in item.executions.all()
        ],
    }
