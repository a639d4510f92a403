"""Plain functions that make objects for tests, with sensible defaults."""

import itertools

from schools.models import Role, School, User

_counter = itertools.count(1)


def make_school(**fields) -> School:
    n = next(_counter)
    defaults = {
        "short_name": f"МБОУ «СОШ № {n}»",
        "full_name": f"Муниципальное бюджетное общеобразовательное учреждение «СОШ № {n}»",
        "director": "Иванова Ирина Ивановна",
    }
    return School.objects.create(**{**defaults, **fields})


def make_user(role=Role.LIBRARIAN, school=None, **fields) -> User:
    n = next(_counter)
    fields.setdefault("username", f"user{n}")
    fields.setdefault("last_name", f"Фамилия{n}")
    fields.setdefault("first_name", "Анна")
    fields.setdefault("email", f"user{n}@example.org")
    password = fields.pop("password", "pass-for-tests-1")
    user = User(role=role, school=school, **fields)
    user.set_password(password)
    user.save()
    return user
