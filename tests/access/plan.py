from django.core.files.base import ContentFile

from . import OFFICE_ONLY, POST_ONLY_OFFICE, Rule, expect

OFFICE_READS = expect(302, 200, 403, 403, 200)


def build(world):
    from plan.models import CalendarFeed, Plan, PlanImport
    from plan.services import execution_record, plan_import
    from tests.plan.factories import parsed_plan

    plan = plan_import(parsed=parsed_plan(), start_year=2020)
    item = plan.sections.first().items.first()
    world.plan = plan
    world.plan_section = plan.sections.first()
    world.plan_item = item
    world.plan_execution = execution_record(
        item=item,
        date=item.checkpoints.first().start,
        note="Сделано",
        file=ContentFile(b"%PDF-1.4 test", name="spravka.pdf"),
    )
    methodologist = world.users["methodologist"]
    world.plan_import = PlanImport.objects.create(
        created_by=methodologist,
        file=ContentFile("1. Раздел\n1.1.\tПункт\tМай\n".encode(), name="plan.txt"),
        filename="plan.txt",
        sha256="0" * 64,
        start_year=2020,
    )
    world.committee_feed = CalendarFeed.objects.create(user=world.users["committee"])
    world.librarian_feed = CalendarFeed.objects.create(user=world.users["librarian_a"])
    assert Plan.objects.count() == 1


def year(world):
    return {"year": world.plan.start_year}


def item(world):
    return {"pk": world.plan_item.pk}


RULES = [
    Rule("plan:index", expect(302, 200, 403, 403, 200), query="?all"),
    Rule("plan:detail", OFFICE_READS, kwargs=year),
    Rule(
        "plan:detail",
        expect(302, 404, 403, 403, 404),
        kwargs=lambda w: {"year": 1999},
        label="no plan",
    ),  # fmt: skip
    Rule("plan:edit", OFFICE_ONLY, kwargs=year),
    Rule("plan:copy", OFFICE_ONLY, kwargs=year),
    Rule("plan:import", OFFICE_ONLY),
    # A preview belongs to whoever uploaded the file.
    Rule("plan:import-preview", OFFICE_ONLY, kwargs=lambda w: {"pk": w.plan_import.pk}),
    Rule("plan:section-create", OFFICE_ONLY, kwargs=year),
    Rule("plan:section-edit", OFFICE_ONLY, kwargs=lambda w: {"pk": w.plan_section.pk}),
    Rule("plan:item-create", OFFICE_ONLY, kwargs=lambda w: {"section_pk": w.plan_section.pk}),
    Rule("plan:item-detail", OFFICE_READS, kwargs=item),
    Rule("plan:item-edit", OFFICE_ONLY, kwargs=item),
    Rule("plan:item-move", POST_ONLY_OFFICE, kwargs=item),
    Rule("plan:item-delete", POST_ONLY_OFFICE, kwargs=item),
    Rule("plan:execution-create", POST_ONLY_OFFICE, kwargs=item),
    Rule("plan:execution-delete", POST_ONLY_OFFICE, kwargs=lambda w: {"pk": w.plan_execution.pk}),
    Rule("plan:execution-file", OFFICE_READS, kwargs=lambda w: {"pk": w.plan_execution.pk}),
    Rule("plan:calendar", OFFICE_READS),
    Rule("plan:calendar-subscription", OFFICE_READS),
    # The feed needs no login: its secret address is the key, valid for office accounts only.
    Rule(
        "plan:calendar-feed",
        expect(200, 200, 200, 200, 200),
        kwargs=lambda w: {"token": w.committee_feed.token},
        label="committee",
    ),  # fmt: skip
    Rule(
        "plan:calendar-feed",
        expect(404, 404, 404, 404, 404),
        kwargs=lambda w: {"token": w.librarian_feed.token},
        label="librarian",
    ),  # fmt: skip
    Rule(
        "plan:calendar-feed",
        expect(404, 404, 404, 404, 404),
        kwargs=lambda w: {"token": "wrong"},
        label="wrong token",
    ),  # fmt: skip
]
