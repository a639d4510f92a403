from django.urls import path

from . import exchange_views, views

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

# --- ОРФ ---
urlpatterns += [
    path("orf/", exchange_views.orf_list, name="orf-list"),
    path("orf/public/", exchange_views.orf_public, name="orf-public"),
    path("orf/public.<str:fmt>", exchange_views.orf_public_download, name="orf-public-download"),
    path("orf/publish/", exchange_views.orf_publish, name="orf-publish"),
    path("orf/declarations/", exchange_views.orf_declarations, name="orf-declarations"),
    path("orf/declarations/propose/", exchange_views.orf_propose, name="orf-propose"),
    path("orf/offers/new/", exchange_views.orf_offer_create, name="orf-offer-create"),
    path("orf/offers/<int:pk>/", exchange_views.orf_offer_edit, name="orf-offer-edit"),
    path("orf/offers/<int:pk>/delete/", exchange_views.orf_offer_delete, name="orf-offer-delete"),
    path("orf/needs/new/", exchange_views.orf_need_create, name="orf-need-create"),
    path("orf/needs/<int:pk>/", exchange_views.orf_need_edit, name="orf-need-edit"),
    path("orf/needs/<int:pk>/delete/", exchange_views.orf_need_delete, name="orf-need-delete"),
    path("orf/<slug:kind>/import/", exchange_views.orf_import, name="orf-import"),
    path("orf/<slug:kind>/template.xlsx", exchange_views.orf_template, name="orf-template"),
    path("orf/proposal/", exchange_views.orf_proposal, name="orf-proposal"),
    path("orf/proposal/run/", exchange_views.orf_matching_run, name="orf-matching-run"),
    path("orf/proposal/agree-all/", exchange_views.orf_agree_all, name="orf-agree-all"),
    path("orf/lines/<int:pk>/", exchange_views.orf_line_update, name="orf-line-update"),
    path("orf/lines/<int:pk>/delete/", exchange_views.orf_line_delete, name="orf-line-delete"),
    path("orf/lines/<int:pk>/agree/", exchange_views.orf_line_agree, name="orf-line-agree"),
    path("orf/transfers/", exchange_views.orf_transfer_list, name="orf-transfer-list"),
    path(
        "orf/transfers/<int:pk>/",
        exchange_views.orf_transfer_detail,
        name="orf-transfer-detail",
    ),
    path(
        "orf/transfers/<int:pk>/edit/", exchange_views.orf_transfer_edit, name="orf-transfer-edit"
    ),
    path(
        "orf/transfers/<int:pk>/<slug:step>/",
        exchange_views.orf_transfer_step,
        name="orf-transfer-step",
    ),
    path("orf/transfers/<int:pk>/act.pdf", exchange_views.orf_transfer_act, name="orf-act"),
]
