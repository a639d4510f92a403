from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("", views.school_list, name="list"),
    path("new/", views.school_create, name="create"),
    path("<int:pk>/", views.school_detail, name="detail"),
    path("<int:pk>/edit/", views.school_edit, name="edit"),
    path("<int:pk>/active/", views.school_set_active, name="set-active"),
    path("accounts/", views.account_list, name="account-list"),
    path("accounts/new/", views.account_create, name="account-create"),
    path("accounts/<int:pk>/", views.account_edit, name="account-edit"),
    path("accounts/<int:pk>/password/", views.account_password, name="account-password"),
    path("accounts/<int:pk>/active/", views.account_set_active, name="account-set-active"),
]
