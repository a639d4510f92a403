"""The plan page, item editing, executions, copying, the calendar and the home page."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from metodkab.lib.years import current_start_year
from plan.models import Execution, Plan, PlanItem, Status
from plan.services import execution_record, plan_copy_to_year, plan_import
from tests.base import client_for, count_queries

from .factories import parsed_plan, seed_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(db):
    return plan_import(parsed=seed_plan(), start_year=2020)


@pytest.fixture
def current(db):
    """A plan for the current academic year: monthly items, so something is always due."""
    return plan_import(
        parsed=parsed_plan(items=4, deadline="Ежемесячно"), start_year=current_start_year()
    )


@pytest.mark.parametrize("url_name", ["plan:detail"])
def test_plan_page_query_count_does_not_grow_with_items(client, methodologist, url_name):
    client_for(client, methodologist)
    plan_import(parsed=parsed_plan(items=16), start_year=2020)
    url = reverse(url_name, args=[2020])
    small = count_queries(lambda: client.get(url))
    Plan.objects.all().delete()
    plan_import(parsed=parsed_plan(items=100, sections=3), start_year=2020)
    assert count_queries(lambda: client.get(url)) == small


def test_home_page_query_count_does_not_grow_with_items(client, methodologist):
    client_for(client, methodologist)
    start = current_start_year()
    plan_import(parsed=parsed_plan(items=16, deadline="Ежемесячно"), start_year=start)
    url = reverse("home")
    small = count_queries(lambda: client.get(url))
    Plan.objects.all().delete()
    plan_import(parsed=parsed_plan(items=100, sections=3, deadline="Ежемесячно"), start_year=start)
    assert count_queries(lambda: client.get(url)) == small


def test_plan_page_looks_like_the_document(client, committee, seed):
    response = client_for(client, committee).get(reverse("plan:detail", args=[2020]))
    html = response.content.decode()
    for header in (
        "№ п/п",
        "Мероприятия",
        "Сроки выполнения",
        "Ответственный",
        "Отметка о выполнении",
    ):
        assert header in html
    assert html.count('data-testid="plan-item"') == 16
    assert "Изменить" not in html  # the committee reads only


def test_home_shows_due_this_month_and_overdue(client, methodologist, current):
    today = timezone.localdate()
    response = client_for(client, methodologist).get(reverse("home"))
    agenda = response.context["panels"][0]["agenda"]
    assert all(cp.start <= today <= cp.end or cp.end >= today for cp in agenda.this_month)
    assert len(agenda.this_month) == 4
    # Last month's checkpoints (when the year has one) are overdue, nothing was done.
    if today.month != 9:
        assert len(agenda.overdue) == 4 * ((today.month - 9) % 12)
    item = PlanItem.objects.first()
    checkpoint = item.checkpoints.get(start__lte=today, end__gte=today)
    execution_record(item=item, date=today, note="Сделано")
    response = client.get(reverse("home"))
    assert checkpoint not in response.context["panels"][0]["agenda"].this_month


def test_execution_with_a_file_is_recorded_and_downloadable(client, methodologist, seed):
    item = PlanItem.objects.get(number="1.2.")
    client_for(client, methodologist)
    response = client.post(
        reverse("plan:execution-create", args=[item.pk]),
        {
            "date": "2020-10-12",
            "note": "Оформлена подписка на I полугодие 2021 г.",
            "file": SimpleUploadedFile("подписка.pdf", b"%PDF-1.4 test"),
        },
    )
    assert response.status_code == 302
    execution = Execution.objects.get()
    assert execution.checkpoint.label == "октябрь 2020"
    assert execution.created_by == methodologist
    download = client.get(reverse("plan:execution-file", args=[execution.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert "attachment" in download["Content-Disposition"]


def test_a_failed_execution_form_keeps_what_was_typed(client, methodologist, seed):
    item = PlanItem.objects.get(number="1.2.")
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for(client, methodologist).post(
        reverse("plan:execution-create", args=[item.pk]),
        {"date": tomorrow.isoformat(), "note": "Черновик отметки"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["date"] == ["Дата выполнения не может быть в будущем."]
    assert "Черновик отметки" in response.content.decode()
    assert not Execution.objects.exists()


def test_late_work_counts_for_the_missed_checkpoint(seed):
    item = PlanItem.objects.get(number="1.2.")
    execution = execution_record(item=item, date=date(2020, 12, 3), note="С опозданием")
    assert execution.checkpoint.label == "октябрь 2020"


def test_other_apps_link_their_records_to_an_item(seed, school_a):
    item = PlanItem.objects.get(number="2.3.")
    execution = execution_record(
        item=item, date=date(2020, 11, 5), note="Выставка", source=school_a
    )
    assert execution.source == school_a
    assert execution.source_url == school_a.get_absolute_url()


def test_item_status_marks(seed):
    item = PlanItem.objects.get(number="1.2.")
    today = date(2020, 11, 15)
    assert item.status(today) == Status.OVERDUE  # October passed with no execution
    execution_record(item=item, date=date(2020, 10, 20), note="Подписка")
    assert item.status(today) == Status.PLANNED  # May is still ahead
    assert item.status(date(2021, 5, 10)) == Status.DUE
    execution_record(item=item, date=date(2021, 5, 12), note="Подписка")
    assert item.status(date(2021, 6, 1)) == Status.DONE
    item.not_applicable = True
    assert item.status(today) == Status.NOT_APPLICABLE
    assert PlanItem.objects.get(number="3.4.").status(today) == Status.ON_REQUEST


def test_editing_an_item_reparses_its_deadline(client, methodologist, seed):
    item = PlanItem.objects.get(number="1.2.")
    client_for(client, methodologist).post(
        reverse("plan:item-edit", args=[item.pk]),
        {
            "number": "1.2.",
            "text": item.text,
            "deadline_text": "Ежеквартально",
            "deadline_mode": "auto",
            "responsible": "Соколова Н. М.",
        },  # fmt: skip
    )
    item.refresh_from_db()
    assert item.deadline_kind == "times_per_year"
    assert item.checkpoints.count() == 4
    assert item.responsible == "Соколова Н. М."


def test_an_unparsed_deadline_can_be_set_by_hand(client, methodologist, seed):
    item = PlanItem.objects.get(number="1.2.")
    client_for(client, methodologist).post(
        reverse("plan:item-edit", args=[item.pk]),
        {
            "number": "1.2.",
            "text": item.text,
            "deadline_text": "после ремонта",
            "deadline_mode": "months",
            "months": ["11", "3"],
        },  # fmt: skip
    )
    item.refresh_from_db()
    assert item.deadline_text == "после ремонта"
    assert (item.deadline_kind, item.deadline_months) == ("months", [11, 3])
    assert [c.label for c in item.checkpoints.all()] == ["ноябрь 2020", "март 2021"]


def test_hand_set_kind_requires_its_values(client, methodologist, seed):
    item = PlanItem.objects.get(number="1.2.")
    response = client_for(client, methodologist).post(
        reverse("plan:item-edit", args=[item.pk]),
        {"number": "1.2.", "text": item.text, "deadline_text": "x", "deadline_mode": "date"},
    )
    assert response.context["form"].errors["date"] == ["Укажите дату."]


def test_items_are_added_moved_and_deleted(client, methodologist, seed):
    section = seed.sections.get(number="3.")
    client_for(client, methodologist)
    client.post(
        reverse("plan:item-create", args=[section.pk]),
        {
            "number": "3.5.",
            "text": "Новый пункт",
            "deadline_text": "Декабрь",
            "deadline_mode": "auto",
        },
    )
    new = PlanItem.objects.get(number="3.5.")
    assert list(section.items.values_list("number", flat=True))[-1] == "3.5."
    client.post(reverse("plan:item-move", args=[new.pk]), {"direction": "up"})
    assert list(section.items.values_list("number", flat=True))[-2:] == ["3.5.", "3.4."]
    client.post(reverse("plan:item-delete", args=[new.pk]))
    assert not PlanItem.objects.filter(number="3.5.").exists()


def test_an_item_with_executions_is_not_deleted(client, methodologist, seed):
    item = PlanItem.objects.get(number="1.2.")
    execution_record(item=item, date=date(2020, 10, 2), note="Подписка")
    response = client_for(client, methodologist).post(
        reverse("plan:item-delete", args=[item.pk]), follow=True
    )
    assert PlanItem.objects.filter(pk=item.pk).exists()
    assert "У пункта есть отметки о выполнении" in response.content.decode()


def test_copy_to_next_year_recomputes_deadlines_without_executions(seed):
    item = PlanItem.objects.get(number="1.2.")
    execution_record(item=item, date=date(2020, 10, 2), note="Подписка")
    copy = plan_copy_to_year(plan=seed, start_year=2021)
    assert copy.title.startswith("План работы городского методического кабинета на 2021-2022")
    assert PlanItem.objects.filter(section__plan=copy).count() == 16
    assert not Execution.objects.filter(item__section__plan=copy).exists()
    copied = PlanItem.objects.get(section__plan=copy, number="1.2.")
    assert [c.start for c in copied.checkpoints.all()] == [date(2021, 10, 1), date(2022, 5, 1)]


def test_copy_refuses_an_existing_year(client, methodologist, seed):
    plan_copy_to_year(plan=seed, start_year=2021)
    response = client_for(client, methodologist).post(
        reverse("plan:copy", args=[2020]), {"year": "2021-2022"}
    )
    assert "План на 2021-2022 учебный год уже есть." in response.content.decode()


def test_calendar_shows_checkpoints_on_their_due_days(client, committee, methodologist, seed):
    response = client_for(client, committee).get(reverse("plan:calendar") + "?month=2020-10")
    grid = response.context["grid"]
    assert grid.title == "Октябрь 2020"
    # Month-long and longer checkpoints are listed above the grid...
    assert {"1.1.", "1.2."} <= {cp.item.number for cp in grid.month_long}
    # ...and a dated one sits on its day.
    item = PlanItem.objects.get(number="1.4.")
    client.force_login(methodologist)
    client.post(
        reverse("plan:item-edit", args=[item.pk]),
        {
            "number": "1.4.",
            "text": item.text,
            "deadline_text": "До 15 октября",
            "deadline_mode": "auto",
        },
    )
    grid = client.get(reverse("plan:calendar") + "?month=2020-10").context["grid"]
    day = next(d for week in grid.weeks for d in week if d.date == date(2020, 10, 15))
    assert [cp.item.number for cp in day.checkpoints] == ["1.4."]


def test_calendar_feed_is_valid_icalendar_with_every_checkpoint(client, committee, current):
    from icalendar import Calendar

    client_for(client, committee).get(reverse("plan:calendar-subscription"))
    token = committee.calendar_feed.token
    client.logout()
    response = client.get(reverse("plan:calendar-feed", args=[token]))
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 4 * 12
    assert str(events[0]["SUMMARY"]).startswith("1.1. Мероприятие 1.1")
    assert all("DTSTAMP" in event and "UID" in event for event in events)


def test_renewing_the_feed_address_disables_the_old_one(client, committee, current):
    client_for(client, committee).get(reverse("plan:calendar-subscription"))
    old = committee.calendar_feed.token
    client.post(reverse("plan:calendar-subscription"))
    assert client.get(reverse("plan:calendar-feed", args=[old])).status_code == 404
