"""Academic years (1 September - 31 August), named «2020-2021» and stored as their start year."""

import re
from datetime import date

from django.utils import timezone

_YEAR_RE = re.compile(r"^\s*(\d{4})\s*[-–—/]\s*(\d{2}|\d{4})\s*$")


def parse_year(text: str) -> int:
    """«2020-2021» (also «2020–2021», «2020/21») → 2020."""
    match = _YEAR_RE.match(str(text))
    if not match:
        raise ValueError(f"Учебный год нужно указать как «2020-2021», а указано «{text}».")
    start, end = int(match[1]), match[2]
    end_year = int(end) if len(end) == 4 else start // 100 * 100 + int(end)
    if end_year != start + 1:
        raise ValueError(f"Учебный год «{text}»: второй год должен быть следующим за первым.")
    return start


def year_label(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


def current_start_year(today: date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


def year_bounds(start_year: int) -> tuple[date, date]:
    return date(start_year, 9, 1), date(start_year + 1, 8, 31)
