"""Navigation items of the apps, shown in the top bar by role."""

from django.urls import reverse

# (namespace, URL name, title, roles that see it). An app adds its sections here.
NAV_ITEMS: list[tuple[str, str, str, set[str]]] = [
    ("plan", "plan:index", "План работы", {"methodologist", "committee"}),
    (
        "textbooks",
        "textbooks:campaign-list",
        "Учебники",
        {"methodologist", "librarian", "committee"},
    ),
    # Its own namespace key, so that «Учебники» alone is highlighted on the textbooks pages.
    ("textbooks-orf", "textbooks:orf-list", "ОРФ", {"methodologist", "librarian", "committee"}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [
        {"namespace": ns, "url": reverse(url_name), "title": title}
        for ns, url_name, title, roles in NAV_ITEMS
        if user.role in roles
    ]
    return {"nav_items": items}
