from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from metodkab.lib import xlsx
from metodkab.lib.access import get_for_user, role_required
from metodkab.lib.years import current_start_year, parse_year, year_label
from reports.views import file_response
from schools.models import Role, School

from . import services
from .exports import bar_chart, provision_tallies, provision_template
from .forms import (
    CampaignForm,
    EnrollmentForm,
    EnrollmentUploadForm,
    FpuSearchForm,
    FpuUploadForm,
    ProvisionUploadForm,
    ReturnForm,
)
from .importers import ProvisionChecker, parse_enrollment, parse_fpu, parse_provision
from .models import (
    GRADES,
    Campaign,
    Enrollment,
    FpuEntry,
    FpuOrder,
    NeedReason,
    ProvisionRow,
    Status,
    Submission,
    provision_percent,
    usable_copies,
)


def get_fpu_entry_for_user(request, pk, *, write=False) -> FpuEntry:
    return get_for_user(request, FpuEntry.objects.select_related("order"), pk, write=write)


def get_campaign_for_user(request, pk, *, write=False) -> Campaign:
    return get_for_user(request, Campaign.objects.all(), pk, write=write)


def get_submission_for_user(request, pk, *, write=False) -> Submission:
    queryset = Submission.objects.select_related("campaign", "school", "changed_by")
    return get_for_user(request, queryset, pk, write=write)


# --- ФПУ -----------------------------------------------------------------------------------------


@login_required
def fpu_list(request):
    form = FpuSearchForm(request.GET or None)
    entries = FpuEntry.objects.for_user(request.user).select_related("order")
    if form.is_valid():
        if form.cleaned_data["q"]:
            entries = entries.search(form.cleaned_data["q"])
        if form.cleaned_data["grade"]:
            entries = entries.for_grade(form.cleaned_data["grade"])
        if form.cleaned_data["appendix"]:
            entries = entries.filter(appendix=form.cleaned_data["appendix"])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "textbooks/fpu_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "orders": FpuOrder.objects.all()[:5],
        },
    )


@login_required
def fpu_detail(request, pk):
    entry = get_fpu_entry_for_user(request, pk)
    history = entry.history.select_related("history_user", "order").order_by("-history_date")
    return render(request, "textbooks/fpu_detail.html", {"entry": entry, "history": history})


@login_required
@require_GET
def fpu_search(request):
    """Autocomplete for the provision grid: up to 20 textbooks matching ?q= for ?grade=."""
    entries = FpuEntry.objects.for_user(request.user)
    grade = request.GET.get("grade", "")
    if grade.isdigit() and 1 <= int(grade) <= 11:
        entries = entries.for_grade(int(grade))
    text = request.GET.get("q", "").strip()
    if text:
        entries = entries.search(text)
    results = [
        {
            "code": entry.code,
            "label": f"{entry.authors} «{entry.title}», {entry.grades} кл., {entry.publisher}",
            "status": entry.status,
        }
        for entry in entries[:20]
    ]
    return JsonResponse({"results": results})


@role_required(Role.METHODOLOGIST)
def fpu_import(request):
    """Upload → preview with per-row errors → confirm (the file waits in the upload stash)."""
    if request.method == "POST" and "token" in request.POST:
        return _fpu_import_confirm(request)
    form = FpuUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        name, data = form.cleaned_data["file"]
        parsed = parse_fpu(data, appendix=form.cleaned_data["appendix"])
        return render(
            request,
            "textbooks/fpu_import_preview.html",
            {
                "parsed": parsed,
                "token": xlsx.stash_upload(data) if parsed.ok else "",
                "file_name": name,
                "order": form.cleaned_data["order"],
                "appendix": form.cleaned_data["appendix"],
            },
        )
    return render(request, "textbooks/fpu_import.html", {"form": form})


def _fpu_import_confirm(request):
    token = request.POST["token"]
    try:
        data = xlsx.read_stash(token)
        appendix = int(request.POST.get("appendix", 1))
        parsed = parse_fpu(data, appendix=appendix)
        counts = services.fpu_import(
            parsed=parsed,
            order_title=request.POST.get("order", ""),
            user=request.user,
            file_name=request.POST.get("file_name", ""),
            file_hash=token,
        )
    except (ValidationError, ValueError) as error:
        text = error.messages[0] if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
        return redirect("textbooks:fpu-import")
    xlsx.drop_stash(token)
    messages.success(
        request,
        f"Перечень загружен: добавлено {counts['created']}, изменено {counts['updated']}, "
        f"без изменений {counts['unchanged']}.",
    )
    return redirect("textbooks:fpu-list")


# --- Контингент ----------------------------------------------------------------------------------


def _year_from(request) -> int:
    try:
        return parse_year(request.GET.get("year", ""))
    except ValueError:
        return current_start_year()


def _year_choices(start_year: int) -> list[dict]:
    return [
        {"value": year_label(y), "current": y == start_year}
        for y in range(current_start_year() + 1, current_start_year() - 4, -1)
    ]


@login_required
def enrollment_list(request):
    """The контингент of every school for a year; a librarian goes to her own school."""
    if request.user.is_librarian:
        return redirect("textbooks:enrollment-edit", pk=request.user.school_id)
    start_year = _year_from(request)
    schools = list(School.objects.for_user(request.user).active())
    counts = {}
    for school_id, grade, pupils in Enrollment.objects.filter(
        start_year=start_year, school__in=schools
    ).values_list("school_id", "grade", "pupils"):
        counts[school_id, grade] = pupils
    table = [
        {
            "school": school,
            "grades": [counts.get((school.pk, g)) for g in GRADES],
            "total": sum(counts.get((school.pk, g)) or 0 for g in GRADES),
        }
        for school in schools
    ]
    totals = [sum(counts.get((s.pk, g)) or 0 for s in schools) for g in GRADES]
    return render(
        request,
        "textbooks/enrollment_list.html",
        {
            "table": table,
            "totals": totals,
            "grand_total": sum(totals),
            "grades": GRADES,
            "year": year_label(start_year),
            "years": _year_choices(start_year),
        },
    )


@login_required
def enrollment_edit(request, pk):
    school = get_for_user(request, School.objects.all(), pk)
    writable = Enrollment.is_writable_for(request.user, school)
    if request.method == "POST" and not writable:
        raise PermissionDenied("Контингент школы может менять её библиотекарь или методист.")
    start_year = _year_from(request)
    counts = services.enrollment_counts(school=school, start_year=start_year)
    saved_forecast = services.enrollment_counts(school=school, start_year=start_year + 1)
    # Next year's figures: what was saved, or else the proposal from this year's grade below.
    forecast = saved_forecast or services.enrollment_forecast(counts=counts)
    initial = {f"pupils_{g}": counts.get(g) for g in GRADES}
    initial.update({f"forecast_{g}": forecast.get(g) for g in GRADES})
    upload_form, parsed = EnrollmentUploadForm(), None
    if request.method == "POST" and "file" in request.FILES:
        # A file only fills the form in: the librarian checks the figures and saves them.
        upload_form = EnrollmentUploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            parsed = parse_enrollment(upload_form.cleaned_data["file"][1])
            if parsed.ok:
                imported = {row.values["grade"]: row.values["pupils"] for row in parsed.rows}
                initial.update({f"pupils_{g}": imported.get(g) for g in GRADES})
                if not saved_forecast:
                    proposal = services.enrollment_forecast(counts=imported)
                    initial.update({f"forecast_{g}": proposal.get(g) for g in GRADES})
                messages.info(
                    request, "Данные из файла подставлены в форму: проверьте и сохраните."
                )
        form = EnrollmentForm(initial=initial)
    else:
        form = EnrollmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and "file" not in request.FILES and form.is_valid():
        services.enrollment_save(
            school=school,
            start_year=start_year,
            counts=form.counts("pupils"),
            forecast=form.counts("forecast"),
            user=request.user,
        )
        messages.success(request, f"Контингент на {year_label(start_year)} учебный год сохранён.")
        return redirect(f"{request.path}?year={year_label(start_year)}")
    return render(
        request,
        "textbooks/enrollment_form.html",
        {
            "school": school,
            "form": form,
            "writable": writable,
            "year": year_label(start_year),
            "next_year": year_label(start_year + 1),
            "forecast_is_proposal": not saved_forecast,
            "years": _year_choices(start_year),
            "upload_form": upload_form,
            "parsed": parsed,
        },
    )


# --- Campaigns and submissions -------------------------------------------------------------------


def _with_progress(submissions):
    return submissions.annotate(
        row_count=Count("rows"),
        grade_count=Count("rows__grade", distinct=True),
        warning_count=Count("rows", filter=~Q(rows__warnings="")),
    )


@login_required
def campaign_list(request):
    """The textbooks area's front page: campaigns, and for a librarian her school's submissions."""
    campaigns = Campaign.objects.for_user(request.user).annotate(
        total=Count("submissions"),
        accepted=Count("submissions", filter=Q(submissions__status=Status.ACCEPTED)),
    )
    mine = {}
    if request.user.is_librarian:
        mine = {
            s.campaign_id: s
            for s in Submission.objects.for_user(request.user).filter(campaign__in=list(campaigns))
        }
    rows = [{"campaign": c, "mine": mine.get(c.pk)} for c in campaigns]
    return render(request, "textbooks/campaign_list.html", {"rows": rows})


@role_required(Role.METHODOLOGIST)
def campaign_create(request):
    initial = {
        "year": year_label(current_start_year() + 1),
        "plan_item": services.default_plan_item(),
    }
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_open(
                start_year=form.cleaned_data["year"],
                deadline=form.cleaned_data["deadline"],
                user=request.user,
                plan_item=form.cleaned_data["plan_item"],
                use_default_plan_item=False,
            )
        except ValidationError as error:
            form.add_error("year", error)
        else:
            messages.success(request, f"{campaign.title}: открыт, школы могут вносить данные.")
            return redirect(campaign)
    return render(request, "textbooks/campaign_form.html", {"form": form})


@role_required(Role.METHODOLOGIST, Role.COMMITTEE)
def campaign_detail(request, pk):
    """The board: each school's status, last change and progress."""
    campaign = get_campaign_for_user(request, pk)
    submissions = _with_progress(
        campaign.submissions.select_related("school", "changed_by").order_by("school__short_name")
    )
    counts = dict.fromkeys(Status.values, 0)
    for submission in submissions:
        counts[submission.status] += 1
    return render(
        request,
        "textbooks/campaign_detail.html",
        {
            "campaign": campaign,
            "submissions": submissions,
            "counts": [(label, counts[value], value) for value, label in Status.choices],
        },
    )


@role_required(Role.METHODOLOGIST)
@require_POST
def campaign_close(request, pk):
    campaign = get_campaign_for_user(request, pk, write=True)
    try:
        services.campaign_close(campaign=campaign, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"{campaign.title}: закрыт. Данные школ больше не меняются.")
    return redirect(campaign)


def _status_action(request, pk, action, done: str):
    submission = get_submission_for_user(request, pk)
    try:
        action(submission)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, done)
    return redirect(submission)


@login_required
@require_POST
def submission_send(request, pk):
    submission = get_submission_for_user(request, pk)
    if not submission.can_send(request.user):
        raise PermissionDenied("Отправить отчёт может библиотекарь школы, пока отчёт не отправлен.")
    return _status_action(
        request,
        pk,
        lambda s: services.submission_send(submission=s, user=request.user),
        "Отчёт отправлен методисту на проверку.",
    )


@role_required(Role.METHODOLOGIST)
@require_POST
def submission_return(request, pk):
    form = ReturnForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _status_action(
        request,
        pk,
        lambda s: services.submission_return(submission=s, user=request.user, comment=comment),
        "Отчёт возвращён школе на доработку.",
    )


@role_required(Role.METHODOLOGIST)
@require_POST
def submission_accept(request, pk):
    return _status_action(
        request,
        pk,
        lambda s: services.submission_accept(submission=s, user=request.user),
        "Отчёт принят.",
    )


@role_required(Role.METHODOLOGIST)
@require_POST
def submission_reopen(request, pk):
    return _status_action(
        request,
        pk,
        lambda s: services.submission_reopen(
            submission=s, user=request.user, comment=request.POST.get("comment", "")
        ),
        "Отчёт открыт для исправлений.",
    )


# --- The provision grid --------------------------------------------------------------------------

RAW_FIELDS = [
    "grade",
    "subject",
    "code",
    "authors",
    "title",
    "edition_year",
    "pupils",
    "fund",
    "write_off",
    "from_orf",
    "need_reason",
]
NEW_LINES = 5
MAX_LINES = 3000  # a school has about 300 rows; a file may carry 3,000


def get_row_for_user(request, pk, *, write=False) -> ProvisionRow:
    queryset = ProvisionRow.objects.select_related("submission__campaign", "submission__school")
    return get_for_user(request, queryset, pk, write=write)


def _line_from_row(index: int, row: ProvisionRow) -> dict:
    return {
        "index": index,
        "id": row.pk,
        "raw": {
            "grade": row.grade,
            "subject": row.subject,
            "code": row.fpu_entry.code if row.fpu_entry else "",
            "authors": row.authors,
            "title": row.title,
            "edition_year": row.edition_year or "",
            "pupils": row.pupils,
            "fund": row.fund,
            "write_off": row.write_off,
            "from_orf": row.from_orf,
            "need_reason": row.need_reason,
        },
        "usable_flag": row.is_usable,
        "usable": row.usable,
        "percent": row.percent,
        "need": row.need,
        "surplus": row.surplus,
        "warnings": row.warning_list,
        "errors": [],
    }


def _line_from_post(index: int, row_id, raw: dict, delete: bool) -> dict:
    def number(name):
        return _int(raw.get(name))

    usable = usable_copies(number("fund"), number("write_off"), number("from_orf"))
    return {
        "index": index,
        "id": row_id,
        "raw": raw,
        "delete": delete,
        "usable_flag": True,
        "usable": usable,
        "percent": provision_percent(number("pupils"), usable),
        "need": max(0, number("pupils") - usable),
        "surplus": max(0, number("fund") - number("write_off") - number("pupils")),
        "warnings": [],
        "errors": [],
    }


def _blank_line(index: int, grade) -> dict:
    return {"index": index, "id": None, "raw": {"grade": grade or ""}, "new": True, "errors": []}


def _grid_post(post) -> list[tuple[int, int | None, dict, bool]]:
    """(line index, row id, raw values, delete?) of the posted grid; empty new lines dropped."""
    try:
        total = min(int(post.get("rows-TOTAL", 0)), MAX_LINES)
    except ValueError:
        total = 0
    lines = []
    for index in range(total):
        prefix = f"rows-{index}-"
        raw_id = post.get(prefix + "id", "")
        row_id = int(raw_id) if raw_id.isdigit() else None
        raw = {name: post.get(prefix + name, "").strip() for name in RAW_FIELDS}
        delete = post.get(prefix + "delete") in ("1", "on")
        if row_id is None and not any(v for k, v in raw.items() if k != "grade"):
            continue
        lines.append((index, row_id, raw, delete))
    return lines


def _int(value) -> int:
    """A typed-in count for the live totals; bad input counts as 0 (the checker reports it)."""
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0


def _totals(lines: list[dict]) -> dict:
    totals = dict.fromkeys(("pupils", "fund", "write_off", "from_orf", "usable", "need"), 0)
    totals.update(surplus=0, provided=0)
    for line in lines:
        if line.get("new") or line.get("delete"):
            continue
        for name in ("pupils", "fund", "write_off", "from_orf"):
            totals[name] += _int(line["raw"].get(name))
        totals["usable"] += line["usable"]
        totals["need"] += line["need"]
        totals["surplus"] += line["surplus"]
        totals["provided"] += min(_int(line["raw"].get("pupils")), line["usable"])
    totals["percent"] = provision_percent(totals["pupils"], totals["provided"])
    return totals


@login_required
def submission_detail(request, pk):
    """A school's report: the grid of rows (a grade at a time or all), status and actions."""
    submission = get_submission_for_user(request, pk)
    writable = submission.is_writable_by(request.user)
    if request.method == "POST" and not writable:
        raise PermissionDenied("Этот отчёт сейчас нельзя менять.")
    grade = request.GET.get("grade", "")
    grade = int(grade) if grade.isdigit() and int(grade) in GRADES else None
    rows = submission.rows.select_related("fpu_entry")
    if grade:
        rows = rows.filter(grade=grade)
    lines, errors = None, False
    if request.method == "POST":
        posted = _grid_post(request.POST)
        keep = [(index, row_id, raw) for index, row_id, raw, delete in posted if not delete]
        checked = ProvisionChecker(submission).check([(index + 1, raw) for index, _, raw in keep])
        by_index = {index: row for (index, _, _), row in zip(keep, checked, strict=True)}
        lines = [_line_from_post(i, row_id, raw, delete) for i, row_id, raw, delete in posted]
        for line in lines:
            parsed = by_index.get(line["index"])
            if parsed:
                line["errors"], line["warnings"] = parsed.errors, parsed.warnings
        errors = any(line["errors"] for line in lines)
        if not errors:
            try:
                counts = services.provision_save(
                    submission=submission,
                    rows=[(row_id, by_index[i].values) for i, row_id, _ in keep],
                    delete_ids={row_id for _, row_id, _, delete in posted if delete and row_id},
                    user=request.user,
                )
            except ValidationError as error:
                messages.error(request, error.messages[0])
                errors = True
            else:
                messages.success(
                    request,
                    f"Сохранено: добавлено строк {counts['created']}, изменено "
                    f"{counts['updated']}, удалено {counts['deleted']}.",
                )
                return redirect(request.get_full_path())
        if errors:
            messages.error(
                request, "Есть ошибки: ничего не сохранено. Исправьте строки, отмеченные красным."
            )
        for n, line in enumerate(lines):
            line["index"] = n
    if lines is None:
        lines = [_line_from_row(i, row) for i, row in enumerate(rows)]
    if writable:
        lines += [_blank_line(len(lines) + i, grade) for i in range(NEW_LINES)]
    grade_counts = dict(
        submission.rows.values("grade").annotate(n=Count("pk")).values_list("grade", "n")
    )
    return render(
        request,
        "textbooks/submission_detail.html",
        {
            "submission": submission,
            "campaign": submission.campaign,
            "writable": writable,
            "lines": lines,
            "totals": _totals(lines),
            "grade": grade,
            "grades": [(g, grade_counts.get(g, 0)) for g in GRADES],
            "reasons": NeedReason.choices,
            "grade_choices": GRADES,
            "return_form": ReturnForm(),
            "can_send": submission.can_send(request.user),
            "can_review": submission.can_review(request.user),
            "can_reopen": submission.can_reopen(request.user),
            "status_history": submission.history.select_related("history_user").order_by(
                "-history_date"
            )[:10],
            "has_previous": Submission.objects.filter(
                school=submission.school, campaign__start_year=submission.campaign.start_year - 1
            ).exists(),
        },
    )


@login_required
@require_POST
def submission_copy_last_year(request, pk):
    submission = get_submission_for_user(request, pk)
    if not submission.is_writable_by(request.user):
        raise PermissionDenied("Этот отчёт сейчас нельзя менять.")
    try:
        added = services.provision_copy_last_year(submission=submission, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, f"Из отчёта прошлого года добавлено строк: {added}. Проверьте их."
        )
    return redirect(submission)


@login_required
def row_history(request, pk):
    row = get_row_for_user(request, pk)
    records = list(row.history.select_related("history_user").order_by("history_date"))
    changes = []
    previous = None
    for record in records:
        if previous is None:
            diff = []
        else:
            delta = record.diff_against(previous)
            diff = [
                {
                    "field": ProvisionRow._meta.get_field(change.field).verbose_name,
                    "old": change.old,
                    "new": change.new,
                }
                for change in delta.changes
                # The textbook shows through its authors and title; these are derived.
                if change.field not in ("warnings", "is_usable", "fpu_entry")
            ]
        changes.append({"record": record, "diff": diff})
        previous = record
    changes.reverse()
    return render(request, "textbooks/row_history.html", {"row": row, "changes": changes})


# --- The school file -----------------------------------------------------------------------------


@login_required
@require_GET
def submission_template(request, pk):
    submission = get_submission_for_user(request, pk)
    name = f"обеспеченность-{submission.campaign.year}-{submission.school.short_name}.xlsx"
    return file_response(provision_template(submission), name)


@login_required
def submission_import(request, pk):
    """Upload → preview with per-row errors and warnings → confirm: all rows or nothing."""
    submission = get_submission_for_user(request, pk)
    if not submission.is_writable_by(request.user):
        raise PermissionDenied("Этот отчёт сейчас нельзя менять.")
    if request.method == "POST" and "token" in request.POST:
        token = request.POST["token"]
        try:
            parsed = parse_provision(xlsx.read_stash(token), submission)
            counts = services.provision_import(
                submission=submission,
                parsed=parsed,
                user=request.user,
                file_name=request.POST.get("file_name", ""),
                file_hash=token,
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("textbooks:submission-import", pk=submission.pk)
        xlsx.drop_stash(token)
        messages.success(
            request,
            f"Файл загружен: добавлено строк {counts['created']}, изменено {counts['updated']}, "
            f"удалено {counts['deleted']}.",
        )
        return redirect(submission)
    form = ProvisionUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        name, data = form.cleaned_data["file"]
        parsed = parse_provision(data, submission)
        return render(
            request,
            "textbooks/submission_import_preview.html",
            {
                "submission": submission,
                "parsed": parsed,
                "token": xlsx.stash_upload(data) if parsed.ok else "",
                "file_name": name,
            },
        )
    return render(
        request, "textbooks/submission_import.html", {"submission": submission, "form": form}
    )


# --- Home page panel -----------------------------------------------------------------------------


def home_panel(request):
    """The latest monitoring on the home page: statuses and provision charts (SVG drawn on the
    server, readable without JavaScript); a librarian sees her own school only."""
    user = request.user
    campaign = Campaign.objects.for_user(user).order_by("-start_year").first()
    if campaign is None:
        return None
    tallies = provision_tallies(campaign.start_year, user)
    context = {
        "template": "textbooks/_home_panel.html",
        "order": 20,
        "campaign": campaign,
        "total": tallies["total"],
        "by_grade": bar_chart(
            [(f"{g} класс", t.percent) for g, t in sorted(tallies["by_grade"].items())],
            label_width=90,
        ),
    }
    if user.is_librarian:
        context["submission"] = Submission.objects.filter(
            campaign=campaign, school_id=user.school_id
        ).first()
    else:
        context["by_school"] = bar_chart(
            [(name, t.percent) for name, t in sorted(tallies["by_school"].items())]
        )
        counts = dict(
            campaign.submissions.values("status").annotate(n=Count("pk")).values_list("status", "n")
        )
        context["counts"] = [
            (value, label, counts.get(value, 0)) for value, label in Status.choices
        ]
    return context
