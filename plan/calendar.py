"""The plan seen in time: what is due this month, what is overdue, what comes next, a month grid
and the iCalendar feed of checkpoints."""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from metodkab.lib.ru import month_name

from .models import Checkpoint, Execution, Plan

UPCOMING_DAYS = 45


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _checkpoints(plan: Plan):
    return Checkpoint.objects.filter(item__section__plan=plan).select_related("item__section")


@dataclass
class Agenda:
    """The three lists of the methodologist's home page."""

    this_month: list
    whole_year: list
    overdue: list
    upcoming: list


def agenda(plan: Plan, today: date) -> Agenda:
    """Open checkpoints: overdue; due by the end of this month; ongoing all year; and those that
    start or fall due in the coming weeks."""
    _, month_end = month_bounds(today.year, today.month)
    horizon = today + timedelta(UPCOMING_DAYS)
    open_checkpoints = list(_checkpoints(plan).open().order_by("end", "start"))
    overdue, this_month, whole_year, upcoming = [], [], [], []
    for checkpoint in open_checkpoints:
        if checkpoint.end < today:
            overdue.append(checkpoint)
        elif checkpoint.is_whole_year:
            whole_year.append(checkpoint)
        elif checkpoint.end <= month_end:
            this_month.append(checkpoint)
        elif checkpoint.end <= horizon or today < checkpoint.start <= horizon:
            upcoming.append(checkpoint)
    return Agenda(this_month, whole_year, overdue, upcoming)


@dataclass
class Day:
    date: date
    in_month: bool
    is_today: bool
    checkpoints: list = field(default_factory=list)  # due on this day
    executions: list = field(default_factory=list)  # done on this day


@dataclass
class MonthGrid:
    year: int
    month: int
    title: str
    weeks: list[list[Day]]
    month_long: list  # checkpoints covering the whole month or longer (shown above the grid)

    @property
    def previous(self) -> tuple[int, int]:
        return (self.year - 1, 12) if self.month == 1 else (self.year, self.month - 1)

    @property
    def next(self) -> tuple[int, int]:
        return (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)


def month_grid(plan: Plan | None, year: int, month: int, today: date) -> MonthGrid:
    start, end = month_bounds(year, month)
    days = {}
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for day in week:
            days[day] = Day(day, day.month == month, day == today)
            row.append(days[day])
        weeks.append(row)
    month_long = []
    if plan is not None:
        checkpoints = _checkpoints(plan).overlapping(start, end).prefetch_related("executions")
        for checkpoint in checkpoints:
            if checkpoint.start <= start and checkpoint.end >= end:
                month_long.append(checkpoint)
            elif checkpoint.end in days:
                days[checkpoint.end].checkpoints.append(checkpoint)
        executions = Execution.objects.filter(
            item__section__plan=plan, date__gte=weeks[0][0].date, date__lte=weeks[-1][-1].date
        ).select_related("item")
        for execution in executions:
            days[execution.date].executions.append(execution)
    return MonthGrid(year, month, f"{month_name(month)} {year}", weeks, month_long)


def ical_feed(plans) -> bytes:
    """Every checkpoint of the given plans as an all-day event on its due date."""
    feed = Calendar()
    feed.add("prodid", "-//Методкабинет//План работы//RU")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", "Методкабинет: план работы")
    feed.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    checkpoints = Checkpoint.objects.filter(item__section__plan__in=plans).select_related(
        "item__section__plan"
    )
    for checkpoint in checkpoints:
        item = checkpoint.item
        event = Event()
        event.add("uid", f"checkpoint-{checkpoint.pk}@metodkab")
        event.add("dtstamp", stamp)  # required by RFC 5545; Outlook refuses events without it
        event.add("summary", f"{item.number} {item.text}".strip())
        event.add("dtstart", checkpoint.end)
        event.add("dtend", checkpoint.end + timedelta(days=1))
        event.add(
            "description",
            f"Срок: {item.deadline_text or '—'} ({checkpoint.label}). Раздел: {item.section}.",
        )
        event.add("url", settings.SITE_URL + reverse("plan:item-detail", args=[item.pk]))
        feed.add_component(event)
    return feed.to_ical()
