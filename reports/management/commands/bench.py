from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Замеры производительности: запускает все команды bench_* приложений (make bench)."

    def handle(self, *args, **options):
        for name in sorted(n for n in get_commands() if n.startswith("bench_")):
            self.stdout.write(f"== {name}")
            call_command(name, stdout=self.stdout)
