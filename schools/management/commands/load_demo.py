from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from schools.demo import DEMO_PASSWORD

# Each app's demo loader, in dependency order; each is safe to run again.
DEMO_LOADERS = [
    "schools.demo.load",
    "plan.demo.load",
    "textbooks.demo.load",
]


class Command(BaseCommand):
    help = (
        "Загружает демонстрационные данные (только при DJANGO_DEBUG=1). Можно запускать повторно."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "load_demo работает только в режиме разработки (DJANGO_DEBUG=1): "
                "демонстрационные учётные записи с паролем «demo» недопустимы на рабочем сервере."
            )
        logins = []
        with transaction.atomic():
            for dotted in DEMO_LOADERS:
                result = import_string(dotted)(self.stdout)
                logins.extend(result or [])
        self.stdout.write("")
        self.stdout.write(f"Демонстрационные входы (пароль у всех: {DEMO_PASSWORD}):")
        for username, who in logins:
            self.stdout.write(f"  {username:<10} {who}")
