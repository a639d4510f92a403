"""Pages of the ОРФ: the list (for schools and, once published, for everyone), a school's offers
and needs, the matching proposal, transfers and their acts."""

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from metodkab.lib import xlsx
from metodkab.lib.access import get_for_user, role_required
from metodkab.lib.ru import money_in_words
from metodkab.lib.years import current_start_year, parse_year, year_label
from reports.renderers import render_report, to_pdf
from reports.views import file_response
from schools.models import Role, School, User

from . import exchange
from .exports import OrfListReport, declaration_template, orf_offers
from .forms import (
    DeclarationUploadForm,
    LineForm,
    NeedForm,
    OfferForm,
    OrfFilterForm,
    TransferForm,
)
from .importers import parse_needs, parse_offers
from .models import (
    ExchangeNeed,
    ExchangeOffer,
    ExchangeRound,
    Transfer,
    TransferLine,
    TransferStatus,
)

PAGE_SIZE = 50


def get_offer_for_user(request, pk, *, write=False) -> ExchangeOffer:
    queryset = ExchangeOffer.objects.select_related("school", "fpu_entry")
    return get_for_user(request, queryset, pk, write=write)


def get_need_for_user(request, pk, *, write=False) -> ExchangeNeed:
    queryset = ExchangeNeed.objects.select_related("school", "fpu_entry")
    return get_for_user(request, queryset, pk, write=write)


def get_transfer_for_user(request, pk, *, write=False) -> Transfer:
    queryset = Transfer.objects.select_related("giver", "receiver")
    return get_for_user(request, queryset, pk, write=write)


def get_line_for_user(request, pk, *, write=False) -> TransferLine:
    queryset = TransferLine.objects.select_related(
        "transfer", "offer__school", "offer__fpu_entry", "need__school"
    )
    return get_for_user(request, queryset, pk, write=write)


def _year(request) -> int:
    try:
        return parse_year(request.GET.get("year") or request.POST.get("year") or "")
    except ValueError:
        return exchange.default_year()


def _years(start_year: int) -> list[dict]:
    latest = max(exchange.default_year(), current_start_year())
    years = sorted({*range(latest, latest - 4, -1), start_year}, reverse=True)
    return [{"value": year_label(y), "current": y == start_year} for y in years]


def _school_for_declarations(request):
    """Whose offers and needs a page works on: a librarian's own school; the office names one
    with ?school=."""
    user = request.user
    if user.is_librarian:
        return user.school
    pk = request.GET.get("school") or request.POST.get("school")
    if not (pk and str(pk).isdigit()):
        return None
    return get_for_user(request, School.objects.all(), int(pk))


def _with_year(url: str, start_year: int, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"year": year_label(start_year), **params}.items())
    return f"{url}?{query}"


# --- The ОРФ list --------------------------------------------------------------------------------


def _list_context(request, start_year: int) -> dict:
    subjects = list(
        ExchangeOffer.objects.of_year(start_year)
        .exclude(subject="")
        .order_by("subject")
        .values_list("subject", flat=True)
        .distinct()
    )
    form = OrfFilterForm(request.GET or None, subjects=subjects)
    filters = form.cleaned_data if form.is_valid() else {}
    offers = orf_offers(
        start_year,
        q=filters.get("q") or "",
        grade=filters.get("grade"),
        subject=filters.get("subject") or "",
    )
    page = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "year": year_label(start_year),
        "start_year": start_year,
        "totals": offers.aggregate(copies=Sum(F("copies") - F("allocated")), lines=Count("pk")),
    }


@login_required
def orf_list(request):
    """The city's ОРФ list: what schools can still give, with search and filters."""
    start_year = _year(request)
    context = _list_context(request, start_year)
    context.update(
        {
            "years": _years(start_year),
            "round": ExchangeRound.objects.filter(start_year=start_year).first(),
        }
    )
    return render(request, "textbooks/orf_list.html", context)


def _published_round() -> ExchangeRound:
    exchange_round = exchange.published_round()
    if exchange_round is None:
        raise Http404("Список ОРФ не опубликован.")
    return exchange_round


@require_GET
def orf_public(request):
    """The published ОРФ list, without login; 404 while nothing is published."""
    exchange_round = _published_round()
    context = _list_context(request, exchange_round.start_year)
    context["round"] = exchange_round
    return render(request, "textbooks/orf_public.html", context)


@require_GET
def orf_public_download(request, fmt):
    exchange_round = _published_round()
    if fmt not in ("xlsx", "pdf"):
        raise Http404("Нет такого формата.")
    report = OrfListReport(year=exchange_round.year)
    return file_response(render_report(report, fmt), report.filename(fmt))


@role_required(Role.METHODOLOGIST)
@require_POST
def orf_publish(request):
    start_year = _year(request)
    if request.POST.get("action") == "unpublish":
        exchange.round_unpublish(start_year=start_year, user=request.user)
        messages.success(request, "Список ОРФ снят с публикации.")
    else:
        exchange.round_publish(start_year=start_year, user=request.user)
        messages.success(
            request,
            f"Список ОРФ на {year_label(start_year)} учебный год опубликован: "
            f"{request.build_absolute_uri(reverse('textbooks:orf-public'))}",
        )
    return redirect(_with_year(reverse("textbooks:orf-list"), start_year))


# --- A school's offers and needs -----------------------------------------------------------------


@login_required
def orf_declarations(request):
    """A school's surplus and needs for the year; the office first picks the school."""
    start_year = _year(request)
    school = _school_for_declarations(request)
    context = {"year": year_label(start_year), "years": _years(start_year), "school": school}
    if school is None:
        offers = (
            ExchangeOffer.objects.for_user(request.user)
            .of_year(start_year)
            .values("school")
            .annotate(n=Count("pk"), copies=Sum("copies"))
        )
        needs = (
            ExchangeNeed.objects.for_user(request.user)
            .of_year(start_year)
            .values("school")
            .annotate(n=Count("pk"), copies=Sum("copies"))
        )
        offer_counts = {row["school"]: row for row in offers}
        need_counts = {row["school"]: row for row in needs}
        context["schools"] = [
            {"school": s, "offers": offer_counts.get(s.pk), "needs": need_counts.get(s.pk)}
            for s in School.objects.for_user(request.user).active()
        ]
        return render(request, "textbooks/orf_declarations.html", context)
    offers = (
        ExchangeOffer.objects.for_user(request.user)
        .of_year(start_year)
        .filter(school=school)
        .select_related("fpu_entry")
    )
    needs = (
        ExchangeNeed.objects.for_user(request.user)
        .of_year(start_year)
        .filter(school=school)
        .select_related("fpu_entry")
    )
    writable = ExchangeOffer(school=school).is_writable_by(request.user)
    context.update(
        {
            "offers": offers,
            "needs": needs,
            "writable": writable,
            "school_query": "" if request.user.is_librarian else f"&school={school.pk}",
        }
    )
    return render(request, "textbooks/orf_declarations.html", context)


def _declarations_url(obj_or_school, start_year: int, user) -> str:
    school = getattr(obj_or_school, "school", obj_or_school)
    params = {} if user.is_librarian else {"school": school.pk}
    return _with_year(reverse("textbooks:orf-declarations"), start_year, **params)


def _declaration_form(request, *, form_class, instance, save, template, title):
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        try:
            save(obj)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Сохранено.")
            return redirect(_declarations_url(obj, obj.start_year, request.user))
    return render(
        request,
        template,
        {
            "form": form,
            "obj": instance,
            "title": title,
            "year": year_label(instance.start_year),
            "cancel_url": _declarations_url(instance, instance.start_year, request.user),
        },
    )


def _new_for_school(request, model):
    if request.user.is_committee:
        raise PermissionDenied("Комитет данные школ не меняет.")
    school = _school_for_declarations(request)
    if school is None:
        raise Http404("Не указана школа.")
    obj = model(school=school, start_year=_year(request))
    if not obj.is_writable_by(request.user):
        raise PermissionDenied("Данные школы вносит её библиотекарь или методист.")
    return obj


def _offer_form(request, offer, title):
    return _declaration_form(
        request,
        form_class=OfferForm,
        instance=offer,
        save=lambda obj: exchange.offer_save(offer=obj, user=request.user),
        template="textbooks/orf_offer_form.html",
        title=title,
    )


def _need_form(request, need, title):
    return _declaration_form(
        request,
        form_class=NeedForm,
        instance=need,
        save=lambda obj: exchange.need_save(need=obj, user=request.user),
        template="textbooks/orf_need_form.html",
        title=title,
    )


@login_required
def orf_offer_create(request):
    return _offer_form(request, _new_for_school(request, ExchangeOffer), "Новые излишки")


@login_required
def orf_offer_edit(request, pk):
    offer = get_offer_for_user(request, pk, write=request.method == "POST")
    return _offer_form(request, offer, "Излишки")


@login_required
def orf_need_create(request):
    return _need_form(request, _new_for_school(request, ExchangeNeed), "Новая потребность")


@login_required
def orf_need_edit(request, pk):
    need = get_need_for_user(request, pk, write=request.method == "POST")
    return _need_form(request, need, "Потребность")


def _delete(request, obj):
    try:
        exchange.declaration_delete(obj=obj, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Удалено.")
    return redirect(_declarations_url(obj, obj.start_year, request.user))


@login_required
@require_POST
def orf_offer_delete(request, pk):
    return _delete(request, get_offer_for_user(request, pk, write=True))


@login_required
@require_POST
def orf_need_delete(request, pk):
    return _delete(request, get_need_for_user(request, pk, write=True))


@login_required
@require_POST
def orf_propose(request):
    """Offers and needs proposed from the school's accepted provision submission."""
    if request.user.is_committee:
        raise PermissionDenied("Комитет данные школ не меняет.")
    school = _school_for_declarations(request)
    if school is None:
        raise Http404("Не указана школа.")
    start_year = _year(request)
    try:
        counts = exchange.declarations_propose(
            school=school, start_year=start_year, user=request.user
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            f"Из отчёта об обеспеченности добавлено: излишков {counts['offers']}, "
            f"потребностей {counts['needs']}. Проверьте и поправьте их.",
        )
    return redirect(_declarations_url(school, start_year, request.user))


IMPORTS = {
    "offers": (parse_offers, "излишки"),
    "needs": (parse_needs, "потребность"),
}


@login_required
def orf_import(request, kind):
    """Upload → preview with per-row errors → confirm: all rows or nothing."""
    if kind not in IMPORTS:
        raise Http404("Нет такой загрузки.")
    if request.user.is_committee:
        raise PermissionDenied("Комитет данные школ не меняет.")
    school = _school_for_declarations(request)
    if school is None:
        raise Http404("Не указана школа.")
    start_year = _year(request)
    parse, label = IMPORTS[kind]
    back = _declarations_url(school, start_year, request.user)
    if request.method == "POST" and "token" in request.POST:
        token = request.POST["token"]
        try:
            added = exchange.declarations_import(
                kind=kind,
                school=school,
                start_year=start_year,
                parsed=parse(xlsx.read_stash(token)),
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(request.get_full_path())
        xlsx.drop_stash(token)
        messages.success(request, f"Файл загружен: добавлено строк {added}.")
        return redirect(back)
    form = DeclarationUploadForm(request.POST or None, request.FILES or None)
    context = {
        "form": form,
        "kind": kind,
        "label": label,
        "school": school,
        "year": year_label(start_year),
        "back": back,
        "template_url": reverse("textbooks:orf-template", args=[kind]),
    }
    if request.method == "POST" and form.is_valid():
        name, data = form.cleaned_data["file"]
        parsed = parse(data)
        context.update(
            {
                "parsed": parsed,
                "token": xlsx.stash_upload(data) if parsed.ok else "",
                "file_name": name,
            }
        )
        return render(request, "textbooks/orf_import_preview.html", context)
    return render(request, "textbooks/orf_import.html", context)


@login_required
@require_GET
def orf_template(request, kind):
    if kind not in IMPORTS:
        raise Http404("Нет такого шаблона.")
    return file_response(declaration_template(kind), f"ОРФ-{IMPORTS[kind][1]}.xlsx")


# --- Matching and the proposal -------------------------------------------------------------------


def _lines_prefetch():
    return Prefetch(
        "lines",
        queryset=TransferLine.objects.select_related(
            "offer__fpu_entry", "need__fpu_entry"
        ).order_by("pk"),
    )


@role_required(Role.METHODOLOGIST, Role.COMMITTEE)
def orf_proposal(request):
    """The proposed transfers of the year, line by line, and what stays unmet."""
    start_year = _year(request)
    transfers = list(
        Transfer.objects.of_year(start_year)
        .filter(status=TransferStatus.PROPOSED)
        .select_related("giver", "receiver")
        .prefetch_related(_lines_prefetch())
        .order_by("giver__short_name", "receiver__short_name")
    )
    for transfer in transfers:
        transfer.line_list = list(transfer.lines.all())
        transfer.copies = sum(line.copies for line in transfer.line_list)
    unmet = exchange.unmet_needs(start_year)
    proposed = defaultdict(int)
    for line in TransferLine.objects.filter(transfer__in=transfers, agreed=False).values_list(
        "need_id", "copies"
    ):
        proposed[line[0]] += line[1]
    unmet_rows = []
    for need in unmet:
        left = need.unmet - proposed.get(need.pk, 0)
        if left > 0:
            unmet_rows.append({"need": need, "left": left})
    stats = ExchangeNeed.objects.of_year(start_year).aggregate(
        copies=Sum("copies"), covered=Sum("covered")
    )
    return render(
        request,
        "textbooks/orf_proposal.html",
        {
            "transfers": transfers,
            "unmet": unmet_rows,
            "unmet_total": sum(row["left"] for row in unmet_rows),
            "proposed_total": sum(t.copies for t in transfers),
            "need_total": stats["copies"] or 0,
            "covered_total": stats["covered"] or 0,
            "year": year_label(start_year),
            "years": _years(start_year),
            "can_edit": request.user.is_methodologist,
        },
    )


def _proposal_url(start_year: int) -> str:
    return _with_year(reverse("textbooks:orf-proposal"), start_year)


@role_required(Role.METHODOLOGIST)
@require_POST
def orf_matching_run(request):
    start_year = _year(request)
    result = exchange.matching_run(start_year=start_year, user=request.user)
    messages.success(
        request,
        f"Подбор выполнен: передач {result['transfers']}, строк {result['lines']}, "
        f"{exchange.copies_label(result['copies'])}; не покрыто "
        f"{exchange.copies_label(result['unmet'])}.",
    )
    return redirect(_proposal_url(start_year))


@role_required(Role.METHODOLOGIST)
@require_POST
def orf_agree_all(request):
    start_year = _year(request)
    result = exchange.proposal_agree_all(start_year=start_year, user=request.user)
    messages.success(request, f"Согласовано передач: {result['agreed']}.")
    for problem in result["failed"]:
        messages.error(request, problem)
    return redirect(_proposal_url(start_year))


@login_required
@require_POST
def orf_line_update(request, pk):
    line = get_line_for_user(request, pk, write=True)
    form = LineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите число экземпляров (не меньше 1) и цену.")
    else:
        try:
            exchange.line_update(
                line=line,
                copies=form.cleaned_data["copies"],
                price=form.cleaned_data["price"],
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "Строка изменена.")
    return redirect(_proposal_url(line.transfer.start_year))


@login_required
@require_POST
def orf_line_delete(request, pk):
    line = get_line_for_user(request, pk, write=True)
    start_year = line.transfer.start_year
    exchange.line_delete(line=line, user=request.user)
    messages.success(request, "Строка удалена из предложения.")
    return redirect(_proposal_url(start_year))


@login_required
@require_POST
def orf_line_agree(request, pk):
    line = get_line_for_user(request, pk)
    if not line.transfer.can_agree(request.user):
        raise PermissionDenied("Согласовать может методист или передающая школа.")
    try:
        exchange.line_agree(line=line, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Строка согласована: экземпляры закреплены за передачей.")
    return redirect(_proposal_url(line.transfer.start_year))


# --- Transfers -----------------------------------------------------------------------------------


@login_required
def orf_transfer_list(request):
    start_year = _year(request)
    status = request.GET.get("status", "")
    transfers = (
        Transfer.objects.for_user(request.user)
        .of_year(start_year)
        .select_related("giver", "receiver")
        .annotate(copies=Sum("lines__copies"), line_count=Count("lines"))
        .order_by("number")
    )
    if status in TransferStatus.values:
        transfers = transfers.filter(status=status)
    page = Paginator(transfers, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "textbooks/orf_transfer_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "status": status,
            "statuses": TransferStatus.choices,
            "year": year_label(start_year),
            "years": _years(start_year),
        },
    )


@login_required
def orf_transfer_detail(request, pk):
    transfer = get_transfer_for_user(request, pk)
    lines = list(transfer.lines.select_related("offer__fpu_entry", "need__fpu_entry"))
    user = request.user
    return render(
        request,
        "textbooks/orf_transfer_detail.html",
        {
            "transfer": transfer,
            "lines": lines,
            "copies": sum(line.copies for line in lines),
            "total": sum((line.total for line in lines), Decimal(0)),
            "events": transfer.events.select_related("by"),
            "form": TransferForm(
                initial={"kind": transfer.kind, "return_due": transfer.return_due}
            ),
            "writable": transfer.is_writable_by(user),
            "can": {
                "agree": transfer.can_agree(user),
                "deliver": transfer.can_deliver(user),
                "return": transfer.can_return(user),
                "close": transfer.can_close(user),
                "cancel": transfer.can_cancel(user),
                "act": transfer.can_read_act(user),
            },
        },
    )


@login_required
@require_POST
def orf_transfer_edit(request, pk):
    transfer = get_transfer_for_user(request, pk, write=True)
    form = TransferForm(request.POST)
    if form.is_valid():
        try:
            exchange.transfer_update(
                transfer=transfer,
                kind=form.cleaned_data["kind"],
                return_due=form.cleaned_data["return_due"],
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "Передача изменена.")
    else:
        messages.error(request, "Проверьте вид передачи и дату возврата.")
    return redirect(transfer)


STEPS = {
    "agree": ("can_agree", exchange.transfer_agree, "Передача согласована."),
    "deliver": ("can_deliver", exchange.transfer_deliver, "Получение подтверждено."),
    "return": ("can_return", exchange.transfer_return, "Возврат подтверждён."),
    "close": ("can_close", exchange.transfer_close, "Передача закрыта."),
    "cancel": ("can_cancel", exchange.transfer_cancel, "Передача отменена, экземпляры свободны."),
}


@login_required
@require_POST
def orf_transfer_step(request, pk, step):
    if step not in STEPS:
        raise Http404("Нет такого действия.")
    transfer = get_transfer_for_user(request, pk)
    check, action, done = STEPS[step]
    if not getattr(transfer, check)(request.user):
        raise PermissionDenied("Это действие сейчас недоступно.")
    try:
        result = action(transfer=transfer, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, done)
        if step in ("deliver", "return") and result is False:
            messages.warning(
                request,
                f"Мониторинга обеспеченности на {transfer.year} учебный год нет: "
                "«Получено из ОРФ» в отчёте школы не изменено.",
            )
    return redirect(transfer)


@login_required
@require_GET
def orf_transfer_act(request, pk):
    """Акт приёма-передачи (PDF), from «согласовано» on."""
    transfer = get_transfer_for_user(request, pk)
    if not transfer.can_read_act(request.user):
        raise Http404("Акт появляется после согласования передачи.")
    lines = list(transfer.lines.filter(agreed=True).select_related("offer__fpu_entry", "need"))
    total = sum((line.total for line in lines), Decimal(0))
    content = to_pdf(
        "textbooks/pdf/orf_act.html",
        {
            "title": f"Акт приёма-передачи учебников № {transfer.number}",
            "transfer": transfer,
            "lines": lines,
            "copies": sum(line.copies for line in lines),
            "total": total,
            "total_words": money_in_words(total),
            "giver_librarian": User.objects.librarians_of(transfer.giver).first(),
            "receiver_librarian": User.objects.librarians_of(transfer.receiver).first(),
            "generated_at": timezone.now(),
            "footer": f"Акт № {transfer.number} от {transfer.act_date:%d.%m.%Y}",
        },
    )
    name = f"акт-ОРФ-{transfer.year}-{transfer.number}.pdf"
    return file_response(content, name)


# --- Home page panel -----------------------------------------------------------------------------


def home_panel(request):
    """The ОРФ on the home page: transfers by status (a librarian's own school's), what waits for
    her, and whether the list is published."""
    user = request.user
    if not user.is_authenticated:
        return None
    start_year = exchange.default_year()
    transfers = Transfer.objects.for_user(user).of_year(start_year)
    counts = dict(transfers.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    todo = []
    if user.is_librarian:
        school = user.school_id
        todo = [
            ("Подтвердить получение", transfers.filter(status=TransferStatus.AGREED,
                                                       receiver_id=school).count()),
            ("Согласовать передачу", transfers.filter(status=TransferStatus.PROPOSED,
                                                      giver_id=school).count()),
        ]  # fmt: skip
    overdue = transfers.filter(
        status=TransferStatus.DELIVERED, kind="temporary", return_due__lt=timezone.localdate()
    ).count()
    return {
        "template": "textbooks/_orf_home_panel.html",
        "order": 30,
        "year": year_label(start_year),
        "counts": [(label, counts.get(value, 0)) for value, label in TransferStatus.choices],
        "todo": [(label, n) for label, n in todo if n],
        "overdue": overdue,
        "round": ExchangeRound.objects.filter(start_year=start_year).first(),
    }
