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


_UNITS = {
    "m": ["", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"],
    "f": ["", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"],
}
_TEENS = [
    "десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать",
    "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать",
]  # fmt: skip
_TENS = [
    "", "", "двадцать", "тридцать", "сорок",
    "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто",
]  # fmt: skip
_HUNDREDS = [
    "", "сто", "двести", "триста", "четыреста",
    "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот",
]  # fmt: skip
# (gender, one, few, many) of each power of a thousand, from thousands up.
_SCALES = [
    ("f", "тысяча", "тысячи", "тысяч"),
    ("m", "миллион", "миллиона", "миллионов"),
    ("m", "миллиард", "миллиарда", "миллиардов"),
]


def _triplet_words(n: int, gender: str) -> list[str]:
    words = [_HUNDREDS[n // 100]]
    tens, units = n % 100 // 10, n % 10
    if tens == 1:
        words.append(_TEENS[units])
    else:
        words += [_TENS[tens], _UNITS[gender][units]]
    return [word for word in words if word]


def number_in_words(n: int, gender: str = "m") -> str:
    """1234 → «одна тысяча двести тридцать четыре»; gender "m" or "f" of the counted noun."""
    if n == 0:
        return "ноль"
    if n < 0:
        return "минус " + number_in_words(-n, gender)
    words, scale = [], 0
    while n:
        n, triplet = divmod(n, 1000)
        if triplet:
            if scale == 0:
                part = _triplet_words(triplet, gender)
            else:
                scale_gender, *forms = _SCALES[scale - 1]
                part = [*_triplet_words(triplet, scale_gender), plural(triplet, *forms)]
            words = part + words
        scale += 1
    return " ".join(words)


def money_in_words(amount) -> str:
    """Сумма прописью, as in acts: Decimal("1234.50") → «одна тысяча двести тридцать четыре
    рубля 50 копеек»; kopecks are written in figures, rounded half up."""
    amount = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "минус " if amount < 0 else ""
    kopecks_total = int(abs(amount) * 100)
    rubles, kopecks = divmod(kopecks_total, 100)
    return (
        f"{sign}{number_in_words(rubles)} {plural(rubles, 'рубль', 'рубля', 'рублей')} "
        f"{kopecks:02d} {plural(kopecks, 'копейка', 'копейки', 'копеек')}"
    )
