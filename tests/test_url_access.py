"""Walks every URL pattern of the project for every role and checks the status it gets.

The table lives in tests/access/: one module per app with the objects it needs (built for both
schools) and the rules for its URLs. A URL pattern that is in no table fails this test, so every
new page has to say who may open it.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .access import ROLES, all_rules, build_world, pattern_key


def iter_pattern_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from iter_pattern_names(entry, ns)
        elif isinstance(entry, URLPattern):
            yield pattern_key(namespace, entry)


def test_every_url_pattern_has_an_access_rule():
    covered = {rule.name for rule in all_rules()}
    missing = sorted(
        name
        for name in set(iter_pattern_names())
        if not name.startswith("admin:") and name not in covered
    )
    assert not missing, f"URL patterns without an access rule in tests/access/: {missing}"


def test_no_rule_names_a_pattern_that_does_not_exist():
    existing = set(iter_pattern_names())
    stale = sorted(rule.name for rule in all_rules() if rule.name not in existing)
    assert not stale, f"rules for URL names that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.id)
def test_url_answers_each_role_as_expected(client, rule, django_user_model):
    world = build_world()
    url = reverse(rule.name, kwargs=rule.kwargs(world)) + rule.query
    failures = []
    for role in ROLES:
        client.logout()
        user = world.users[role]
        if user is not None:
            client.force_login(user)
        send = client.post if rule.method == "post" else client.get
        response = send(url, rule.data(world) if rule.method == "post" else None)
        expected = rule.expect[role]
        if response.status_code != expected:
            failures.append(f"{role}: {response.status_code} (expected {expected})")
    assert not failures, f"{rule.method.upper()} {url}: " + "; ".join(failures)


@pytest.mark.django_db
def test_admin_is_closed_to_every_application_role(client):
    world = build_world()
    for role in ROLES:
        client.logout()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        response = client.get("/admin/")
        assert response.status_code == 302, role
        assert "/admin/login/" in response["Location"]
