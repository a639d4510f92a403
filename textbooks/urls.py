from django.urls import path

from . import views

app_name = "textbooks"

urlpatterns = [
    path("fpu/", views.fpu_list, name="fpu-list"),
    path("fpu/import/", views.fpu_import, name="fpu-import"),
    path("fpu/search.json", views.fpu_search, name="fpu-search"),
    path("fpu/<int:pk>/", views.fpu_detail, name="fpu-detail"),
]
urlpatterns += [
    path("enrollment/", views.enrollment_list, name="enrollment-list"),
    path("enrollment/<int:pk>/", views.enrollment_edit, name="enrollment-edit"),
]
urlpatterns += [
    path("", views.campaign_list, name="campaign-list"),
    path("campaigns/new/", views.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="campaign-close"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission-detail"),
    path("submissions/<int:pk>/send/", views.submission_send, name="submission-send"),
    path("submissions/<int:pk>/return/", views.submission_return, name="submission-return"),
    path("submissions/<int:pk>/accept/", views.submission_accept, name="submission-accept"),
    path("submissions/<int:pk>/reopen/", views.submission_reopen, name="submission-reopen"),
]
urlpatterns += [
    path(
        "submissions/<int:pk>/copy-last-year/",
        views.submission_copy_last_year,
        name="submission-copy-last-year",
    ),
    path("rows/<int:pk>/history/", views.row_history, name="row-history"),
]
urlpatterns += [
    path(
        "submissions/<int:pk>/template.xlsx", views.submission_template, name="submission-template"
    ),
    path("submissions/<int:pk>/import/", views.submission_import, name="submission-import"),
]
