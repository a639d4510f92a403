"""Russian wording and number formatting shared by pages, documents and e-mails."""

from decimal import ROUND_HALF_UP, Decimal

MONTHS_NOMINATIVE = [
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
]  # fmt: skip
MONTHS_GENITIVE = [
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
]  # fmt: skip


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian form for n: 1 школа, 2 школы, 5 школ, 11 школ, 21 школа."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def format_number(value, places: int | None = None) -> str:
    """1234.5 → «1 234,5»; places rounds half up like an accountant does."""
    if places is not None:
        value = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{value:,}" if places is None else f"{value:,.{places}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def month_name(month: int) -> str:
    return MONTHS_NOMINATIVE[month - 1].capitalize()
