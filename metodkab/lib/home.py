"""Panels that the apps contribute to the role home pages.

Each entry names a function `panel(request) -> dict | None`; the dict has `template` (an include
rendered with the rest of the dict as context) and `order`. A function returns None when it has
nothing for this user. Keeping the list here lets an app add to the home page without touching
the home view.
"""

from django.utils.module_loading import import_string

PANEL_FUNCTIONS: list[str] = [
    "plan.views.home_panel",
    "textbooks.views.home_panel",
    "textbooks.exchange_views.home_panel",
]


def home_panels(request) -> list[dict]:
    panels = []
    for dotted in PANEL_FUNCTIONS:
        panel = import_string(dotted)(request)
        if panel:
            panels.append(panel)
    return sorted(panels, key=lambda p: p.get("order", 100))
