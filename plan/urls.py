from django.urls import path

from . import views

app_name = "plan"

urlpatterns = [
    path("", views.plan_index, name="index"),
    path("import/", views.plan_import_upload, name="import"),
    path("import/<int:pk>/", views.plan_import_preview, name="import-preview"),
    path("calendar/", views.calendar_month, name="calendar"),
    path("calendar/subscription/", views.calendar_subscription, name="calendar-subscription"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("<int:year>/", views.plan_detail, name="detail"),
    path("<int:year>/edit/", views.plan_edit, name="edit"),
    path("<int:year>/copy/", views.plan_copy, name="copy"),
    path("<int:year>/sections/new/", views.section_create, name="section-create"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section-edit"),
    path("sections/<int:section_pk>/items/new/", views.item_create, name="item-create"),
    path("items/<int:pk>/", views.item_detail, name="item-detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item-edit"),
    path("items/<int:pk>/move/", views.item_move, name="item-move"),
    path("items/<int:pk>/delete/", views.item_delete, name="item-delete"),
    path("items/<int:pk>/executions/", views.execution_create, name="execution-create"),
    path("executions/<int:pk>/delete/", views.execution_delete, name="execution-delete"),
    path("executions/<int:pk>/file/", views.execution_file, name="execution-file"),
]
