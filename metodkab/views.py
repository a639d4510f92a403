"""Project-level pages: the role home page, login and the error pages."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from schools.models import Role, School, User

from .lib.home import home_panels


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


@login_required
def home(request):
    user = request.user
    template = {
        Role.METHODOLOGIST: "home/methodologist.html",
        Role.LIBRARIAN: "home/librarian.html",
        Role.COMMITTEE: "home/committee.html",
    }[user.role]
    context = {"panels": home_panels(request)}
    if user.is_librarian:
        context["school"] = user.school
    else:
        context["schools_active"] = School.objects.active().count()
        context["schools_inactive"] = School.objects.filter(is_active=False).count()
    if user.is_methodologist:
        context["accounts_by_role"] = {
            label: User.objects.filter(role=value, is_active=True).count()
            for value, label in Role.choices
        }
        context["schools_without_librarian"] = School.objects.active().exclude(
            staff__role=Role.LIBRARIAN, staff__is_active=True
        )
    return render(request, template, context)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", {"exception": exception}, status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # Rendered without context processors: the database may be what failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
