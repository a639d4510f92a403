"""Named personas every test can ask for (fixtures, registered in tests/conftest.py).

- school_a, school_b: two schools;
- methodologist: the office's methodologist («Соколова»);
- librarian_a, librarian_b: the librarians of school A and school B;
- committee: a reader from the education committee.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schools.models import Role

from .factories import make_school, make_user


@pytest.fixture
def school_a(db):
    return make_school(short_name="МБОУ «СОШ № 1»", full_name="Средняя школа № 1")


@pytest.fixture
def school_b(db):
    return make_school(short_name="МБОУ «СОШ № 2»", full_name="Средняя школа № 2")


@pytest.fixture
def methodologist(db):
    return make_user(Role.METHODOLOGIST, username="metodist", last_name="Соколова")


@pytest.fixture
def librarian_a(school_a):
    return make_user(Role.LIBRARIAN, school=school_a, username="bibl_a", last_name="Петрова")


@pytest.fixture
def librarian_b(school_b):
    return make_user(Role.LIBRARIAN, school=school_b, username="bibl_b", last_name="Сидорова")


@pytest.fixture
def committee(db):
    return make_user(Role.COMMITTEE, username="komitet", last_name="Алексеев")


def client_for(client, user):
    """The test client logged in as user (None: anonymous)."""
    if user is not None:
        client.force_login(user)
    return client


def count_queries(action) -> int:
    """How many database queries action() makes; list pages assert it at two data sizes."""
    with CaptureQueriesContext(connection) as context:
        action()
    return len(context.captured_queries)
