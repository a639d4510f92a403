"""Formatting for Russian pages and documents, loaded into every template (settings.TEMPLATES)."""

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import timezone

from metodkab.lib.ru import format_number, plural

register = template.Library()


@register.filter
def ru_plural(value, forms: str) -> str:
    """{{ n|ru_plural:"школа,школы,школ" }} → «5 школ»."""
    return f"{value} {plural(int(value), *forms.split(','))}"


@register.filter
def ru_date(value) -> str:
    """ДД.ММ.ГГГГ; for a datetime, the date in the office's time zone."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


@register.filter
def ru_datetime(value) -> str:
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%d.%m.%Y %H:%M")


@register.filter
def ru_number(value, places=None) -> str:
    """Number with a decimal comma and thin-space thousands: 1 234,5."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except ArithmeticError:
            return value
    return format_number(value, None if places is None else int(places))
