"""Deadline phrases of a plan («Сроки выполнения») and the checkpoints they give in a year.

Plans state deadlines in free Russian text that follows a few patterns: «В течение года»,
«Май, октябрь», «Июнь-август», «4 раза в год», «До 15 сентября», «По запросу». `parse_deadline`
reads a phrase into a `Deadline`; `due_periods` turns it into the periods of an academic year
(1 September - 31 August) in which the work is due. Pure Python: no Django here.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

THROUGHOUT = "throughout"
MONTHS = "months"
TIMES_PER_YEAR = "times_per_year"
DATE = "date"
ON_REQUEST = "on_request"
NONE = "none"
UNPARSED = "unparsed"

# Calendar month numbers in academic-year order: September first.
ACADEMIC_MONTHS: tuple[int, ...] = (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8)

MONTH_NAMES = {
    1: "январь",
    2: "февраль",
    3: "март",
    4: "апрель",
    5: "май",
    6: "июнь",
    7: "июль",
    8: "август",
    9: "сентябрь",
    10: "октябрь",
    11: "ноябрь",
    12: "декабрь",
}


@dataclass(frozen=True)
class Deadline:
    text: str
    kind: str
    months: tuple[int, ...] = ()
    times_per_year: int | None = None
    day: int | None = None
    month: int | None = None
    year: int | None = None
    before: bool = False


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str


# --- Parsing -------------------------------------------------------------------------------------

# Word forms of each month: nominative, genitive, dative, prepositional («май, мая, маю, мае»),
# and the usual abbreviations («сент.», «окт.»).
_MONTH_FORMS = {
    1: r"январ[ьяюе]|янв",
    2: r"феврал[ьяюе]|февр?",
    3: r"март[аеу]?|мар",
    4: r"апрел[ьяюе]|апр",
    5: r"ма[йяюе]",
    6: r"июн[ьяюе]|июн",
    7: r"июл[ьяюе]|июл",
    8: r"август[аеу]?|авг",
    9: r"сентябр[ьяюе]|сент?",
    10: r"октябр[ьяюе]|окт",
    11: r"ноябр[ьяюе]|ноя|нояб",
    12: r"декабр[ьяюе]|дек",
}
_MONTH_RES = {number: re.compile(rf"(?:{forms})\.?") for number, forms in _MONTH_FORMS.items()}
_MONTH = r"(?:" + "|".join(_MONTH_FORMS.values()) + r")\.?"

_NUMBER_WORDS = {
    "один": 1,
    "одна": 1,
    "два": 2,
    "две": 2,
    "дважды": 2,
    "три": 3,
    "трижды": 3,
    "четыре": 4,
    "пять": 5,
    "шесть": 6,
    "семь": 7,
    "восемь": 8,
    "девять": 9,
    "десять": 10,
    "одиннадцать": 11,
    "двенадцать": 12,
}

_NONE_RE = re.compile(r"[-.\s]*|нет|не указан[оы]?")
# «в течение [всего] [2020-2021] [учебного|уч.] года» (also the common «в течении»), with at
# least one word after «в течение».
_THROUGHOUT_RE = re.compile(
    r"(?:в )?течени[еия] (?:всего )?(?:(?:\d{4}(?:-\d{4})?|учебного|уч\.?|года?|г)(?: |$))+"
    r"|постоянно|систематически|ежедневно|еженедельно|круглогодично"
    r"|(?:весь|круглый) (?:учебный )?год"
)
_ON_REQUEST_RE = re.compile(
    r"по мере .+"
    r"|(?:по|при) (?:запросу|запросам|необходимости|требованию|потребности)"
    r"(?: .+)?"
)
_COUNT = r"(?:\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
_TIMES_RE = re.compile(
    rf"(?P<count>{_COUNT})? ?(?:(?:раза?|р\.?) )?"
    r"(?:в|за) (?P<unit>(?:учебный |уч\.? )?год|полугодие|полгода|квартал|четверть|месяц)"
)
_PERIODIC = {
    "ежемесячно": 12,
    "ежеквартально": 4,
    "ежечетвертно": 4,
    "раз в полугодие": 2,
    "ежеполугодно": 2,
    "ежегодно": 1,
    "каждый месяц": 12,
    "каждый квартал": 4,
    "каждое полугодие": 2,
    "каждый год": 1,
}
_UNIT_TIMES = {"год": 1, "полугодие": 2, "полгода": 2, "квартал": 4, "четверть": 4, "месяц": 12}
_BEFORE_WORDS = r"(?P<before>до|к|не позднее|не позже)"
_TEXT_DATE_RE = re.compile(
    rf"(?:{_BEFORE_WORDS} )?(?P<day>\d{{1,2}}) (?P<month>{_MONTH})(?: (?P<year>\d{{4}}))?"
)
_NUMERIC_DATE_RE = re.compile(
    rf"(?:{_BEFORE_WORDS} )?(?P<day>\d{{1,2}})\.(?P<month>\d{{1,2}})"
    r"(?:\.(?P<year>\d{4}|\d{2}))?"
)
_MONTH_RANGE_FROM_TO_RE = re.compile(
    rf"\bс(?:о)? (?P<first>{_MONTH})(?: \d{{4}})? (?:по|до) (?P<last>{_MONTH})"
)
_MONTH_TOKEN_RE = re.compile(rf"(?P<first>{_MONTH})(?:-(?P<last>{_MONTH}))?")
_FILLER_WORDS = {"в", "во", "до", "к", "и", "месяц", "месяце", "месяцы", "месяцах"}


def parse_deadline(text: str) -> Deadline:
    """Read a deadline phrase. Never raises: a phrase that matches no pattern is "unparsed"."""
    text = (text or "").strip()
    phrase = _normalise(text)
    if _NONE_RE.fullmatch(phrase):
        return Deadline(text=text, kind=NONE)
    if _THROUGHOUT_RE.fullmatch(phrase):
        return Deadline(text=text, kind=THROUGHOUT, months=ACADEMIC_MONTHS)
    if _ON_REQUEST_RE.fullmatch(phrase):
        return Deadline(text=text, kind=ON_REQUEST)
    times = _times_per_year(phrase)
    if times:
        return Deadline(text=text, kind=TIMES_PER_YEAR, times_per_year=times)
    deadline = _date(text, phrase)
    if deadline:
        return deadline
    months = _months(phrase)
    if months:
        return Deadline(text=text, kind=MONTHS, months=months)
    return Deadline(text=text, kind=UNPARSED)


def _normalise(text: str) -> str:
    """Lower case, «ё» as «е», one kind of dash and of space, no «г.»/«года» after a year, no
    trailing dots."""
    phrase = text.casefold().replace("ё", "е")
    phrase = re.sub(r"[\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]", "-", phrase)
    phrase = " ".join(phrase.split())
    phrase = re.sub(r"(?<![а-я])гг?\.", " ", phrase)
    phrase = re.sub(r"(\d{4}) ?(?:гг|г|года|год)\b", r"\1", phrase)
    phrase = re.sub(r" ?- ?", "-", phrase)
    phrase = re.sub(r" ?([,;]) ?", r"\1 ", phrase)
    return " ".join(phrase.split()).strip(" .;,")


def _times_per_year(phrase: str) -> int | None:
    if phrase in _PERIODIC:
        return _PERIODIC[phrase]
    match = _TIMES_RE.fullmatch(phrase)
    if not match:
        return None
    count_text = match["count"]
    if count_text is None and not re.match(r"раза?\b|р\b", phrase):
        return None  # «в год» alone says nothing
    count = 1 if count_text is None else _NUMBER_WORDS.get(count_text) or int(count_text)
    unit = match["unit"].split()[-1]
    total = count * _UNIT_TIMES[unit]
    return total if total > 0 else None


def _date(text: str, phrase: str) -> Deadline | None:
    for pattern in (_NUMERIC_DATE_RE, _TEXT_DATE_RE):
        match = pattern.fullmatch(phrase)
        if not match:
            continue
        day = int(match["day"])
        month = _month_number(match["month"])
        year = _full_year(match["year"])
        if month is None or not _valid_day(day, month, year):
            return None
        return Deadline(
            text=text,
            kind=DATE,
            day=day,
            month=month,
            year=year,
            before=match["before"] is not None,
        )
    return None


def _month_number(value: str) -> int | None:
    if value.isdigit():
        number = int(value)
        return number if 1 <= number <= 12 else None
    for number, pattern in _MONTH_RES.items():
        if pattern.fullmatch(value):
            return number
    return None


def _full_year(value: str | None) -> int | None:
    if value is None:
        return None
    year = int(value)
    return 2000 + year if year < 100 else year


def _valid_day(day: int, month: int, year: int | None) -> bool:
    # Without a year, 29 February is allowed (checked against a leap year).
    return 1 <= day <= calendar.monthrange(year or 2000, month)[1]


def _months(phrase: str) -> tuple[int, ...]:
    """Months of a phrase made only of month names and ranges («май и октябрь», «в мае»,
    «июнь-август», «с июня по август»), in academic-year order; () if anything else is there."""
    phrase = _MONTH_RANGE_FROM_TO_RE.sub(r"\g<first>-\g<last>", phrase)
    found: set[int] = set()
    for token in re.split(r"[\s,;/]+", phrase):
        if not token or token in _FILLER_WORDS or re.fullmatch(r"\d{4}", token):
            continue
        match = _MONTH_TOKEN_RE.fullmatch(token)
        if not match:
            return ()
        first = _month_number(match["first"])
        last = _month_number(match["last"]) if match["last"] else first
        if first is None or last is None:
            return ()
        found.update(_month_range(first, last))
    return tuple(m for m in ACADEMIC_MONTHS if m in found)


def _month_range(first: int, last: int) -> list[int]:
    """Calendar months from first to last, going over New Year when needed (11-1 → 11, 12, 1)."""
    count = (last - first) % 12 + 1
    return [(first - 1 + step) % 12 + 1 for step in range(count)]


# --- Periods -------------------------------------------------------------------------------------


def academic_year_bounds(start_year: int) -> tuple[date, date]:
    return date(start_year, 9, 1), date(start_year + 1, 8, 31)


def month_date(start_year: int, month: int) -> date:
    """The first day of the month inside the academic year start_year..start_year+1."""
    return date(start_year if month >= 9 else start_year + 1, month, 1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def due_periods(deadline: Deadline, start_year: int) -> list[Period]:
    """The periods of the academic year in which the work is due, sorted by start."""
    if deadline.kind == MONTHS:
        periods = [_month_period(start_year, month) for month in deadline.months]
    elif deadline.kind == THROUGHOUT:
        start, end = academic_year_bounds(start_year)
        periods = [Period(start, end, "в течение года")]
    elif deadline.kind == TIMES_PER_YEAR and deadline.times_per_year:
        periods = _blocks(start_year, deadline.times_per_year)
    elif deadline.kind == DATE and deadline.day and deadline.month:
        periods = [_date_period(deadline, start_year)]
    else:
        periods = []
    return sorted(periods, key=lambda period: period.start)


def _month_period(start_year: int, month: int) -> Period:
    first = month_date(start_year, month)
    return Period(first, month_end(first), _month_label(first))


def _month_label(day: date) -> str:
    return f"{MONTH_NAMES[day.month]} {day.year}"


def _blocks(start_year: int, times: int) -> list[Period]:
    """The twelve months split into `times` consecutive blocks, as even as possible (earlier
    blocks get the extra month); more than twelve times a year still means every month."""
    count = min(times, 12)
    if count < 1:
        return []
    sizes = [12 // count + (1 if index < 12 % count else 0) for index in range(count)]
    periods = []
    first = 0
    for index, size in enumerate(sizes):
        start = month_date(start_year, ACADEMIC_MONTHS[first])
        end = month_end(month_date(start_year, ACADEMIC_MONTHS[first + size - 1]))
        periods.append(Period(start, end, _block_label(index, count, start, end)))
        first += size
    return periods


_ROMAN = ("I", "II", "III", "IV")


def _block_label(index: int, count: int, start: date, end: date) -> str:
    span = _span_label(start, end)
    if count == 1:
        return "весь год"
    if count == 2:
        return f"{_ROMAN[index]} полугодие ({span})"
    if count == 4:
        return f"{_ROMAN[index]} квартал ({span})"
    if start.month == end.month:
        return span
    return f"{index + 1}-й период из {count} ({span})"


def _span_label(start: date, end: date) -> str:
    """«октябрь 2020», «сентябрь–ноябрь 2020», «декабрь 2020 – февраль 2021»."""
    if (start.year, start.month) == (end.year, end.month):
        return _month_label(start)
    if start.year == end.year:
        return f"{MONTH_NAMES[start.month]}–{_month_label(end)}"
    return f"{_month_label(start)} – {_month_label(end)}"


def _date_period(deadline: Deadline, start_year: int) -> Period:
    month = deadline.month or 1
    year = deadline.year or (start_year if month >= 9 else start_year + 1)
    day = min(deadline.day or 1, calendar.monthrange(year, month)[1])  # 29.02 in a common year
    when = date(year, month, day)
    if deadline.before:
        year_start = academic_year_bounds(start_year)[0]
        return Period(min(year_start, when), when, f"до {when:%d.%m.%Y}")
    return Period(when, when, f"{when:%d.%m.%Y}")
