"""The URL-by-role access table, one module per app (see tests/test_url_access.py).

Each app module defines `build(world)`, which adds the app's objects for school A and school B to
the world, and `RULES`, a list of Rule. Statuses are given per role in ROLES order with `expect`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from schools.models import Role
from tests.factories import make_school, make_user

ROLES = ["anonymous", "methodologist", "librarian_a", "librarian_b", "committee"]

APP_MODULES = ["core", "schools", "reports", "plan", "textbooks"]


@dataclass
class World:
    """Real objects of both schools; apps add theirs as attributes (world.plan_item_a ...)."""

    users: dict = field(default_factory=dict)

    def __getattr__(self, name):  # only called for attributes that were not set
        raise AttributeError(f"world has no {name!r}: add it in a tests/access module's build()")


@dataclass
class Rule:
    name: str  # "namespace:url-name"
    expect: dict  # role → status
    kwargs: Callable[[World], dict] = lambda world: {}
    method: str = "get"
    data: Callable[[World], dict] = lambda world: {}
    query: str = ""
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}{' ' + self.label if self.label else ''}"


def expect(anonymous, methodologist, librarian_a, librarian_b, committee) -> dict:
    return dict(
        zip(ROLES, (anonymous, methodologist, librarian_a, librarian_b, committee), strict=True)
    )


# The usual shapes, named so that the tables read easily.
EVERYONE = expect(302, 200, 200, 200, 200)
OFFICE_ONLY = expect(302, 200, 403, 403, 403)
OFFICE_AND_COMMITTEE = expect(302, 200, 403, 403, 200)
SCHOOL_A_OBJECT = expect(302, 200, 200, 404, 200)  # read access to an object of school A
POST_ONLY_OFFICE = expect(302, 405, 403, 403, 403)  # GET on a POST-only view of the office


def pattern_key(namespace: str, pattern) -> str:
    name = pattern.name or f"<unnamed {pattern.pattern}>"
    return f"{namespace}:{name}" if namespace else name


def build_world() -> World:
    school_a = make_school(short_name="МБОУ «СОШ № 1»", full_name="Школа А")
    school_b = make_school(short_name="МБОУ «СОШ № 2»", full_name="Школа Б")
    world = World()
    world.school_a, world.school_b = school_a, school_b
    world.users = {
        "anonymous": None,
        "methodologist": make_user(Role.METHODOLOGIST, username="metodist"),
        "librarian_a": make_user(Role.LIBRARIAN, school=school_a, username="bibl_a"),
        "librarian_b": make_user(Role.LIBRARIAN, school=school_b, username="bibl_b"),
        "committee": make_user(Role.COMMITTEE, username="komitet"),
    }
    for module in _modules():
        if hasattr(module, "build"):
            module.build(world)
    return world


def _modules():
    return [import_module(f"tests.access.{name}") for name in APP_MODULES]


def all_rules() -> list[Rule]:
    return [rule for module in _modules() for rule in module.RULES]
