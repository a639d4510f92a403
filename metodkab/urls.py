from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

auth_patterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include(auth_patterns)),
    path("schools/", include("schools.urls")),
    path("plan/", include("plan.urls")),
    path("textbooks/", include("textbooks.urls")),
    path("fund/", include("fund.urls")),
    path("mumo/", include("mumo.urls")),
    path("events/", include("events.urls")),
    path("reports/", include("reports.urls")),
    # Technical area for a superuser created with `manage.py createsuperuser`; the office works
    # in the application itself.
    path("admin/", admin.site.urls),
]

handler403 = "metodkab.views.permission_denied"
handler404 = "metodkab.views.page_not_found"
handler500 = "metodkab.views.server_error"
