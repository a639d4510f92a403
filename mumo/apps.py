from django.apps import AppConfig


class MumoConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mumo"
