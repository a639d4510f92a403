from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("<slug:identifier>.<str:fmt>", views.download, name="download"),
]
