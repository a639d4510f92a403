from reports.base import INT, Column, Report

from .models import Role, School, User


class SchoolListReport(Report):
    identifier = "schools"
    title = "Список образовательных организаций"
    roles = {Role.METHODOLOGIST, Role.COMMITTEE}
    landscape = True
    total_label = None
    columns = [
        Column("№", INT, 5),
        Column("Краткое наименование", width=22),
        Column("Полное наименование", width=50),
        Column("Тип", width=12),
        Column("Адрес", width=35),
        Column("Директор", width=25),
        Column("Телефон", width=16),
        Column("E-mail", width=24),
        Column("Состояние", width=12),
    ]

    def rows(self):
        for number, school in enumerate(School.objects.order_by("-is_active", "short_name"), 1):
            yield (
                number,
                school.short_name,
                school.full_name,
                school.get_kind_display(),
                school.address,
                school.director,
                school.phone,
                school.email,
                "действует" if school.is_active else "отключена",
            )


class AccountListReport(Report):
    identifier = "accounts"
    title = "Учётные записи Методкабинета"
    roles = {Role.METHODOLOGIST}
    landscape = True
    total_label = None
    columns = [
        Column("№", INT, 5),
        Column("Имя пользователя", width=16),
        Column("ФИО", width=32),
        Column("Должность", width=24),
        Column("Роль", width=24),
        Column("Школа", width=22),
        Column("E-mail", width=24),
        Column("Состояние", width=12),
    ]

    def rows(self):
        accounts = User.objects.select_related("school").order_by("-is_active", "role", "last_name")
        for number, account in enumerate(accounts, 1):
            yield (
                number,
                account.username,
                account.get_full_name(),
                account.position,
                account.get_role_display(),
                str(account.school or ""),
                account.email,
                "действует" if account.is_active else "отключена",
            )
