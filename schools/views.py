from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from metodkab.lib.access import get_for_user, role_required

from . import services
from .forms import AccountForm, AccountPasswordForm, SchoolForm
from .models import Role, School, User


def get_school_for_user(request, pk, *, write=False) -> School:
    return get_for_user(request, School.objects.all(), pk, write=write)


def get_account_for_user(request, pk, *, write=False) -> User:
    return get_for_user(request, User.objects.all(), pk, write=write)


@login_required
def school_list(request):
    schools = (
        School.objects.for_user(request.user)
        .annotate(
            librarians=Count("staff", filter=Q(staff__role=Role.LIBRARIAN, staff__is_active=True))
        )
        .order_by("-is_active", "short_name")
    )
    show = request.GET.get("show", "active")
    if show == "active":
        schools = schools.filter(is_active=True)
    return render(request, "schools/school_list.html", {"schools": schools, "show": show})


@login_required
def school_detail(request, pk):
    school = get_school_for_user(request, pk)
    staff = User.objects.filter(school=school).order_by("-is_active", "last_name")
    return render(request, "schools/school_detail.html", {"school": school, "staff": staff})


@role_required(Role.METHODOLOGIST)
def school_create(request):
    form = SchoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        school = form.save()
        messages.success(request, f"Школа «{school}» добавлена.")
        return redirect(school)
    return render(request, "schools/school_form.html", {"form": form})


@role_required(Role.METHODOLOGIST)
def school_edit(request, pk):
    school = get_school_for_user(request, pk, write=True)
    form = SchoolForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Изменения сохранены.")
        return redirect(school)
    return render(request, "schools/school_form.html", {"form": form, "school": school})


@role_required(Role.METHODOLOGIST)
@require_POST
def school_set_active(request, pk):
    school = get_school_for_user(request, pk, write=True)
    active = request.POST.get("active") == "1"
    services.school_set_active(school=school, active=active)
    if active:
        messages.success(request, f"Школа «{school}» снова действует.")
    else:
        messages.success(
            request,
            f"Школа «{school}» отключена, учётные записи её библиотекарей тоже. "
            "Её данные сохранены в отчётах прошлых лет.",
        )
    return redirect(school)


@role_required(Role.METHODOLOGIST)
def account_list(request):
    accounts = User.objects.for_user(request.user).select_related("school")
    show = request.GET.get("show", "active")
    if show == "active":
        accounts = accounts.filter(is_active=True)
    role = request.GET.get("role", "")
    if role in Role.values:
        accounts = accounts.filter(role=role)
    return render(
        request,
        "schools/account_list.html",
        {"accounts": accounts, "show": show, "role": role, "roles": Role.choices},
    )


def _account_form_view(request, account=None, initial=None):
    form = AccountForm(request.POST or None, instance=account, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.account_save(form=form, by=request.user)
        except ValidationError as error:
            form.add_error("role", error)
        else:
            verb = "изменена" if account else "создана"
            messages.success(request, f"Учётная запись «{saved.username}» {verb}.")
            return redirect("schools:account-list")
    return render(request, "schools/account_form.html", {"form": form, "account": account})


@role_required(Role.METHODOLOGIST)
def account_create(request):
    initial = (
        {"school": request.GET["school"], "role": Role.LIBRARIAN}
        if "school" in request.GET
        else None
    )
    return _account_form_view(request, initial=initial)


@role_required(Role.METHODOLOGIST)
def account_edit(request, pk):
    return _account_form_view(request, get_account_for_user(request, pk, write=True))


@role_required(Role.METHODOLOGIST)
def account_password(request, pk):
    account = get_account_for_user(request, pk, write=True)
    form = AccountPasswordForm(account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Пароль для «{account.username}» задан.")
        return redirect("schools:account-list")
    return render(request, "schools/account_password.html", {"form": form, "account": account})


@role_required(Role.METHODOLOGIST)
@require_POST
def account_set_active(request, pk):
    account = get_account_for_user(request, pk, write=True)
    active = request.POST.get("active") == "1"
    try:
        services.account_set_active(account=account, active=active, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        state = "включена" if active else "отключена"
        messages.success(request, f"Учётная запись «{account.username}» {state}.")
    return redirect("schools:account-list")
