"""Deadline phrases of a plan and the periods they give inside an academic year."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plan.deadlines import (
    ACADEMIC_MONTHS,
    Deadline,
    Period,
    academic_year_bounds,
    due_periods,
    month_date,
    parse_deadline,
)

KINDS = {"throughout", "months", "times_per_year", "date", "on_request", "none", "unparsed"}


# --- parse_deadline ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "В течение года",
        "В течение учебного года",
        "Постоянно",
        "в течение всего года",
        "В ТЕЧЕНИЕ ГОДА",
        "в течение  года.",
        "в\u00a0течение\u00a0года",
        "В течение уч. года",
        "В течение 2020-2021 учебного года",
        "в течение 2020–2021 гг.",
        "в течении года",
    ],
)
def test_it_reads_throughout_the_year(text):
    deadline = parse_deadline(text)
    assert deadline.kind == "throughout"
    assert deadline.months == (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8)


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("сентябрь", (9,)),
        ("Декабрь", (12,)),
        ("Май, октябрь", (10, 5)),
        ("май и октябрь", (10, 5)),
        ("в мае", (5,)),
        ("в сентябре", (9,)),
        ("сентябрь, январь, май", (9, 1, 5)),
        ("Январь, сентябрь", (9, 1)),
        ("до сентября", (9,)),
        ("Май, сентябрь.", (9, 5)),
        ("Сентябрь 2020 г.", (9,)),
        ("МАРТ", (3,)),
        ("в марте", (3,)),
        ("Август", (8,)),
    ],
)
def test_it_reads_months_in_any_word_form(text, months):
    deadline = parse_deadline(text)
    assert deadline.kind == "months"
    assert deadline.months == months


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("Июнь-август", (6, 7, 8)),
        ("Июнь - август", (6, 7, 8)),
        ("Июнь–август", (6, 7, 8)),
        ("Август – сентябрь", (9, 8)),
        ("Ноябрь—январь", (11, 12, 1)),
        ("ноябрь — январь", (11, 12, 1)),
        ("с июня по август", (6, 7, 8)),
        ("С декабря по февраль", (12, 1, 2)),
        ("Май-июнь, сентябрь", (9, 5, 6)),
    ],
)
def test_it_reads_month_ranges_with_any_dash(text, months):
    deadline = parse_deadline(text)
    assert deadline.kind == "months"
    assert deadline.months == months


def test_it_orders_months_in_academic_year():
    assert parse_deadline("Май, октябрь").months == (10, 5)
    assert parse_deadline("август, январь, сентябрь").months == (9, 1, 8)


@pytest.mark.parametrize(
    ("text", "times"),
    [
        ("1 раз в год", 1),
        ("раз в год", 1),
        ("2 раза в год", 2),
        ("два раза в год", 2),
        ("Дважды в год", 2),
        ("4 раза в год", 4),
        ("четыре раза в год", 4),
        ("двенадцать раз в год", 12),
        ("1 раз в учебный год", 1),
        ("Ежемесячно", 12),
        ("ежеквартально", 4),
        ("Раз в полугодие", 2),
        ("1 раз в полугодие", 2),
        ("раз в квартал", 4),
        ("Ежегодно", 1),
        ("1 раз в месяц", 12),
    ],
)
def test_it_reads_times_a_year(text, times):
    deadline = parse_deadline(text)
    assert deadline.kind == "times_per_year"
    assert deadline.times_per_year == times


@pytest.mark.parametrize(
    ("text", "day", "month", "year", "before"),
    [
        ("До 15 сентября", 15, 9, None, True),
        ("до 15.09", 15, 9, None, True),
        ("к 1 сентября", 1, 9, None, True),
        ("не позднее 20 мая", 20, 5, None, True),
        ("25.05.2021", 25, 5, 2021, False),
        ("25.05.2021 г.", 25, 5, 2021, False),
        ("25.05.21", 25, 5, 2021, False),
        ("15 мая 2021 года", 15, 5, 2021, False),
        ("до 1 июня 2021 г.", 1, 6, 2021, True),
        ("До 29.02", 29, 2, None, True),
    ],
)
def test_it_reads_dates(text, day, month, year, before):
    deadline = parse_deadline(text)
    assert deadline.kind == "date"
    assert (deadline.day, deadline.month, deadline.year, deadline.before) == (
        day,
        month,
        year,
        before,
    )


@pytest.mark.parametrize(
    "text",
    [
        "По мере поступления запроса",
        "По запросу",
        "По мере необходимости",
        "по мере поступления",
        "по необходимости",
        "По мере поступления запросов.",
    ],
)
def test_it_reads_on_request(text):
    assert parse_deadline(text).kind == "on_request"


@pytest.mark.parametrize("text", ["", "   ", "-", "—", "–", "\u00a0", " - "])
def test_an_empty_deadline_is_none(text):
    deadline = parse_deadline(text)
    assert deadline.kind == "none"
    assert deadline.months == ()


@pytest.mark.parametrize(
    "text",
    [
        "Каждый вторник",
        "в конце учебного года",
        "I полугодие",
        "В течение",
        "в год",
        "до 31.02",
        "до 15.13",
        "Май, по плану",
        "2021",
        "В течение года (по плану ОО)",
    ],
)
def test_anything_else_is_unparsed(text):
    deadline = parse_deadline(text)
    assert deadline.kind == "unparsed"
    assert deadline.text == text


def test_it_keeps_the_phrase_as_written_without_surrounding_spaces():
    assert parse_deadline("  Май,  октябрь \t").text == "Май,  октябрь"


def test_yo_and_e_are_the_same():
    assert parse_deadline("В течёние года").kind == "throughout"


@given(st.text(max_size=60))
def test_it_never_raises(text):
    assert parse_deadline(text).kind in KINDS


# --- The academic year ---------------------------------------------------------------------------


def test_academic_year_runs_from_september_to_august():
    assert academic_year_bounds(2020) == (date(2020, 9, 1), date(2021, 8, 31))


@pytest.mark.parametrize(
    ("month", "expected"),
    [(9, date(2020, 9, 1)), (12, date(2020, 12, 1)), (1, date(2021, 1, 1)), (8, date(2021, 8, 1))],
)
def test_month_date_puts_autumn_in_the_first_year_and_spring_in_the_second(month, expected):
    assert month_date(2020, month) == expected


def test_academic_months_start_with_september():
    assert ACADEMIC_MONTHS == (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8)


# --- due_periods ---------------------------------------------------------------------------------


def periods(text: str, start_year: int = 2020) -> list[tuple[date, date]]:
    return [(p.start, p.end) for p in due_periods(parse_deadline(text), start_year)]


def test_months_give_one_period_per_month_in_the_right_calendar_year():
    assert due_periods(parse_deadline("Май, октябрь"), 2020) == [
        Period(date(2020, 10, 1), date(2020, 10, 31), "октябрь 2020"),
        Period(date(2021, 5, 1), date(2021, 5, 31), "май 2021"),
    ]


def test_a_range_over_new_year_spans_both_calendar_years():
    assert periods("Ноябрь—январь") == [
        (date(2020, 11, 1), date(2020, 11, 30)),
        (date(2020, 12, 1), date(2020, 12, 31)),
        (date(2021, 1, 1), date(2021, 1, 31)),
    ]


def test_february_ends_on_its_last_day():
    assert periods("февраль", 2023) == [(date(2024, 2, 1), date(2024, 2, 29))]
    assert periods("февраль", 2020) == [(date(2021, 2, 1), date(2021, 2, 28))]


def test_throughout_is_one_period_over_the_whole_year():
    assert due_periods(parse_deadline("В течение года"), 2020) == [
        Period(date(2020, 9, 1), date(2021, 8, 31), "в течение года")
    ]


def test_four_times_a_year_is_quarters_of_the_academic_year():
    assert due_periods(parse_deadline("4 раза в год"), 2020) == [
        Period(date(2020, 9, 1), date(2020, 11, 30), "I квартал (сентябрь–ноябрь 2020)"),
        Period(date(2020, 12, 1), date(2021, 2, 28), "II квартал (декабрь 2020 – февраль 2021)"),
        Period(date(2021, 3, 1), date(2021, 5, 31), "III квартал (март–май 2021)"),
        Period(date(2021, 6, 1), date(2021, 8, 31), "IV квартал (июнь–август 2021)"),
    ]


def test_twice_a_year_is_two_halves():
    assert periods("2 раза в год") == [
        (date(2020, 9, 1), date(2021, 2, 28)),
        (date(2021, 3, 1), date(2021, 8, 31)),
    ]


def test_once_a_year_is_the_whole_year():
    assert due_periods(parse_deadline("1 раз в год"), 2020) == [
        Period(date(2020, 9, 1), date(2021, 8, 31), "весь год")
    ]


def test_monthly_is_every_month():
    result = due_periods(parse_deadline("Ежемесячно"), 2020)
    assert [p.start.month for p in result] == list(ACADEMIC_MONTHS)
    assert result[0].label == "сентябрь 2020"
    assert result[-1] == Period(date(2021, 8, 1), date(2021, 8, 31), "август 2021")


@pytest.mark.parametrize(
    ("times", "sizes"),
    [
        (3, [4, 4, 4]),
        (5, [3, 3, 2, 2, 2]),
        (7, [2, 2, 2, 2, 2, 1, 1]),
        (11, [2] + [1] * 10),
        (6, [2] * 6),
        (24, [1] * 12),
    ],
)
def test_other_counts_split_the_year_evenly_with_earlier_blocks_longer(times, sizes):
    deadline = Deadline(text="", kind="times_per_year", times_per_year=times)
    result = due_periods(deadline, 2020)
    lengths = [(p.end.year - p.start.year) * 12 + p.end.month - p.start.month + 1 for p in result]
    assert lengths == sizes
    assert result[0].start == date(2020, 9, 1)
    assert result[-1].end == date(2021, 8, 31)
    assert all(a.end < b.start for a, b in zip(result, result[1:], strict=False))


def test_a_september_date_falls_in_the_first_year():
    assert due_periods(parse_deadline("До 15 сентября"), 2020) == [
        Period(date(2020, 9, 1), date(2020, 9, 15), "до 15.09.2020")
    ]


def test_a_may_date_falls_in_the_second_year():
    assert due_periods(parse_deadline("до 25.05"), 2020) == [
        Period(date(2020, 9, 1), date(2021, 5, 25), "до 25.05.2021")
    ]


def test_an_exact_date_is_that_day():
    assert due_periods(parse_deadline("25.05.2021"), 2020) == [
        Period(date(2021, 5, 25), date(2021, 5, 25), "25.05.2021")
    ]


def test_an_explicit_year_outside_the_academic_year_is_kept():
    assert periods("25.05.2023", 2020) == [(date(2023, 5, 25), date(2023, 5, 25))]
    assert periods("до 01.06.2019", 2020) == [(date(2019, 6, 1), date(2019, 6, 1))]


def test_29_february_without_a_year_moves_to_the_28th_in_a_common_year():
    assert periods("до 29.02", 2020) == [(date(2020, 9, 1), date(2021, 2, 28))]
    assert periods("до 29.02", 2023) == [(date(2023, 9, 1), date(2024, 2, 29))]


@pytest.mark.parametrize("text", ["По запросу", "", "Каждый вторник"])
def test_on_request_none_and_unparsed_have_no_periods(text):
    assert due_periods(parse_deadline(text), 2020) == []


def test_a_deadline_built_from_stored_fields_gives_the_same_periods():
    # plan.models.PlanItem.deadline builds the value object from its columns.
    stored = Deadline(
        text="До 15 сентября",
        kind="date",
        months=(),
        times_per_year=None,
        day=15,
        month=9,
        year=2020,
        before=True,
    )
    assert due_periods(stored, 2020) == due_periods(parse_deadline("До 15 сентября"), 2020)


def test_periods_are_sorted_by_start():
    deadline = Deadline(text="", kind="months", months=(5, 10, 1))
    assert [p.start for p in due_periods(deadline, 2020)] == [
        date(2020, 10, 1),
        date(2021, 1, 1),
        date(2021, 5, 1),
    ]
