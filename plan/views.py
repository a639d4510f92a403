import hashlib
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from metodkab.lib.access import get_for_user, role_required
from metodkab.lib.years import current_start_year
from schools.models import Role

from . import services
from .calendar import agenda, ical_feed, month_grid
from .forms import CopyPlanForm, ExecutionForm, PlanForm, PlanItemForm, PlanUploadForm, SectionForm
from .models import (
    CalendarFeed,
    Checkpoint,
    Execution,
    Plan,
    PlanImport,
    PlanItem,
    Section,
    Status,
)
from .parsers import PlanFileError, parse_plan_file

OFFICE = (Role.METHODOLOGIST, Role.COMMITTEE)


def get_plan_for_user(request, start_year, *, write=False) -> Plan:
    plan = get_object_or_404(Plan.objects.for_user(request.user), start_year=start_year)
    return get_for_user(request, Plan.objects.all(), plan.pk, write=write)


def get_section_for_user(request, pk, *, write=False) -> Section:
    return get_for_user(request, Section.objects.select_related("plan"), pk, write=write)


def get_item_for_user(request, pk, *, write=False) -> PlanItem:
    return get_for_user(request, PlanItem.objects.select_related("section__plan"), pk, write=write)


def get_execution_for_user(request, pk, *, write=False) -> Execution:
    return get_for_user(request, Execution.objects.select_related("item"), pk, write=write)


def items_with_progress():
    """Items with everything the plan page shows, in a fixed number of queries."""
    return PlanItem.objects.order_by("order", "pk").prefetch_related(
        Prefetch("checkpoints", queryset=Checkpoint.objects.prefetch_related("executions")),
        Prefetch("executions", queryset=Execution.objects.order_by("date", "pk")),
    )


# --- Plan --------------------------------------------------------------------------------------


@role_required(*OFFICE)
def plan_index(request):
    plans = Plan.objects.for_user(request.user)
    current = plans.filter(start_year=current_start_year()).first()
    if current and "all" not in request.GET:
        return redirect(current)
    return render(
        request,
        "plan/plan_list.html",
        {"plans": plans, "current_year": current_start_year()},
    )


@role_required(*OFFICE)
def plan_detail(request, year):
    plan = get_plan_for_user(request, year)
    today = timezone.localdate()
    sections = plan.sections.prefetch_related(Prefetch("items", queryset=items_with_progress()))
    rows = []
    totals = dict.fromkeys(Status.values, 0)
    for section in sections:
        entries = []
        for item in section.items.all():
            status = item.status(today)
            totals[status] += 1
            entries.append({"item": item, "status": status})
        rows.append({"section": section, "items": entries})
    return render(
        request,
        "plan/plan_detail.html",
        {
            "plan": plan,
            "rows": rows,
            "totals": totals,
            "statuses": Status,
            "items_count": sum(len(r["items"]) for r in rows),
            "next_year_exists": Plan.objects.filter(start_year=plan.start_year + 1).exists(),
        },
    )


@role_required(Role.METHODOLOGIST)
def plan_edit(request, year):
    plan = get_plan_for_user(request, year, write=True)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Сведения о плане сохранены.")
        return redirect(plan)
    return render(request, "plan/plan_form.html", {"form": form, "plan": plan})


@role_required(Role.METHODOLOGIST)
def plan_copy(request, year):
    plan = get_plan_for_user(request, year, write=True)
    form = CopyPlanForm(request.POST or None, initial={"year": f"{year + 1}-{year + 2}"})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.plan_copy_to_year(plan=plan, start_year=form.cleaned_data["year"])
        except ValidationError as error:
            form.add_error("year", error)
        else:
            messages.success(
                request,
                f"Создан план на {copy.year_label} учебный год: разделы и пункты скопированы, "
                "сроки пересчитаны на новый год.",
            )
            return redirect(copy)
    return render(request, "plan/plan_copy.html", {"form": form, "plan": plan})


# --- Import ------------------------------------------------------------------------------------


@role_required(Role.METHODOLOGIST)
def plan_import_upload(request):
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.plan_import_drafts_purge()
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            parsed = parse_plan_file(data, upload.name)
        except PlanFileError as error:
            form.add_error("file", str(error))
        else:
            year = form.cleaned_data["year"] or parsed.start_year
            if year is None:
                form.add_error(
                    "year",
                    "В заголовке плана нет учебного года: укажите его, например 2020-2021.",
                )
            else:
                draft = PlanImport(
                    created_by=request.user,
                    filename=upload.name[:255],
                    sha256=hashlib.sha256(data).hexdigest(),
                    start_year=year,
                )
                draft.file.save(upload.name, ContentFile(data), save=False)
                draft.save()
                return redirect("plan:import-preview", pk=draft.pk)
    return render(request, "plan/import_upload.html", {"form": form})


def _get_draft(request, pk) -> PlanImport:
    return get_object_or_404(PlanImport, pk=pk, created_by=request.user, confirmed_at__isnull=True)


@role_required(Role.METHODOLOGIST)
def plan_import_preview(request, pk):
    draft = _get_draft(request, pk)
    with draft.file.open("rb") as handle:
        parsed = parse_plan_file(handle.read(), draft.filename)
    if request.method == "POST":
        plan = services.plan_import(parsed=parsed, start_year=draft.start_year, plan_import=draft)
        items = sum(len(s.items) for s in parsed.sections)
        messages.success(
            request,
            f"План на {plan.year_label} учебный год загружен: "
            f"{len(parsed.sections)} разд., {items} пунктов.",
        )
        return redirect(plan)
    preview = services.plan_preview(parsed, draft.start_year)
    existing = Plan.objects.filter(start_year=draft.start_year).first()
    return render(
        request,
        "plan/import_preview.html",
        {"draft": draft, "parsed": parsed, "preview": preview, "existing": existing},
    )


# --- Sections and items --------------------------------------------------------------------------


@role_required(Role.METHODOLOGIST)
def section_create(request, year):
    plan = get_plan_for_user(request, year, write=True)
    form = SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        section = form.save(commit=False)
        section.plan = plan
        section.order = plan.sections.count() + 1
        section.save()
        messages.success(request, "Раздел добавлен.")
        return redirect(plan)
    return render(request, "plan/section_form.html", {"form": form, "plan": plan})


@role_required(Role.METHODOLOGIST)
def section_edit(request, pk):
    section = get_section_for_user(request, pk, write=True)
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Раздел сохранён.")
        return redirect(section.plan)
    return render(
        request, "plan/section_form.html", {"form": form, "plan": section.plan, "section": section}
    )


def _item_page(request, item: PlanItem, form, status=200):
    """The item with its checkpoints, executions and (for the methodologist) the execution form."""
    item = items_with_progress().select_related("section__plan").get(pk=item.pk)
    today = timezone.localdate()
    executions = item.executions.all().select_related("created_by", "source_type", "checkpoint")
    context = {
        "item": item,
        "plan": item.section.plan,
        "status": item.status(today),
        "checkpoints": [(cp, cp.status(today)) for cp in item.checkpoints.all()],
        "executions": list(executions),
        "form": form,
    }
    return render(request, "plan/item_detail.html", context, status=status)


@role_required(*OFFICE)
def item_detail(request, pk):
    item = get_item_for_user(request, pk)
    return _item_page(
        request, item, ExecutionForm(item=item) if request.user.is_methodologist else None
    )


def _item_form_view(request, item, plan):
    form = PlanItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        services.item_save(item=item, deadline=form.cleaned_data["deadline"])
        if item.deadline_kind == "unparsed":
            messages.warning(
                request,
                f"Срок «{item.deadline_text}» не распознан: укажите, как его понимать, "
                "иначе пункт не попадёт в календарь.",
            )
        else:
            messages.success(request, "Пункт плана сохранён.")
        return redirect(item)
    return render(request, "plan/item_form.html", {"form": form, "plan": plan, "item": item})


@role_required(Role.METHODOLOGIST)
def item_create(request, section_pk):
    section = get_section_for_user(request, section_pk, write=True)
    return _item_form_view(request, PlanItem(section=section), section.plan)


@role_required(Role.METHODOLOGIST)
def item_edit(request, pk):
    item = get_item_for_user(request, pk, write=True)
    return _item_form_view(request, item, item.section.plan)


@role_required(Role.METHODOLOGIST)
@require_POST
def item_move(request, pk):
    item = get_item_for_user(request, pk, write=True)
    services.item_move(item=item, direction=-1 if request.POST.get("direction") == "up" else 1)
    return redirect(f"{item.section.plan.get_absolute_url()}#item-{item.pk}")


@role_required(Role.METHODOLOGIST)
@require_POST
def item_delete(request, pk):
    item = get_item_for_user(request, pk, write=True)
    plan = item.section.plan
    try:
        services.item_delete(item=item)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(item)
    messages.success(request, "Пункт удалён из плана.")
    return redirect(plan)


# --- Executions ----------------------------------------------------------------------------------


@role_required(Role.METHODOLOGIST)
@require_POST
def execution_create(request, pk):
    item = get_item_for_user(request, pk, write=True)
    form = ExecutionForm(request.POST, request.FILES, item=item)
    if form.is_valid():
        services.execution_record(
            item=item,
            date=form.cleaned_data["date"],
            note=form.cleaned_data["note"],
            file=form.cleaned_data["file"],
            checkpoint=form.cleaned_data["checkpoint"],
            user=request.user,
        )
        messages.success(request, "Отметка о выполнении добавлена.")
        return redirect(item)
    return _item_page(request, item, form, status=400)


@role_required(Role.METHODOLOGIST)
@require_POST
def execution_delete(request, pk):
    execution = get_execution_for_user(request, pk, write=True)
    item = execution.item
    services.execution_delete(execution=execution)
    messages.success(request, "Отметка удалена.")
    return redirect(item)


@role_required(*OFFICE)
def execution_file(request, pk):
    execution = get_execution_for_user(request, pk)
    if not execution.file:
        raise Http404("У отметки нет документа.")
    return FileResponse(execution.file.open("rb"), as_attachment=True, filename=execution.file_name)


# --- Calendar ------------------------------------------------------------------------------------


@role_required(*OFFICE)
def calendar_month(request):
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    start_year = year if month >= 9 else year - 1
    plan = Plan.objects.filter(start_year=start_year).first()
    grid = month_grid(plan, year, month, today)
    return render(request, "plan/calendar.html", {"grid": grid, "plan": plan, "today": today})


@role_required(*OFFICE)
def calendar_subscription(request):
    feed, _ = CalendarFeed.objects.get_or_create(user=request.user)
    if request.method == "POST":
        feed.delete()
        feed = CalendarFeed.objects.create(user=request.user)
        messages.success(request, "Создан новый адрес подписки; старый больше не работает.")
        return redirect("plan:calendar-subscription")
    url = request.build_absolute_uri(reverse("plan:calendar-feed", args=[feed.token]))
    return render(request, "plan/calendar_subscription.html", {"url": url})


def calendar_feed(request, token):
    """The iCalendar feed: no login (calendar apps cannot log in), the secret address is the
    key; it stops working when the account is deactivated or the address is renewed."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    if not (feed.user.is_methodologist or feed.user.is_committee):
        raise Http404
    plans = Plan.objects.filter(start_year__gte=current_start_year() - 1)
    response = HttpResponse(ical_feed(plans), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="metodkab-plan.ics"'
    return response


# --- Home panel ----------------------------------------------------------------------------------


def home_panel(request):
    """The plan on the methodologist's and the committee's home page."""
    user = request.user
    if not (user.is_methodologist or user.is_committee):
        return None
    today = timezone.localdate()
    plan = Plan.objects.filter(start_year=current_start_year(today)).first()
    context = {"template": "plan/_home_panel.html", "order": 10, "plan": plan, "today": today}
    if plan is not None:
        context["agenda"] = agenda(plan, today)
        context["grid"] = month_grid(plan, today.year, today.month, today)
    return context
