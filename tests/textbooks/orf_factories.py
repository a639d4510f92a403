"""Objects for the ОРФ tests: offers, needs and transfers with their lines."""

from textbooks import exchange
from textbooks.models import (
    ExchangeNeed,
    ExchangeOffer,
    Transfer,
    TransferEvent,
    TransferLine,
    TransferStatus,
)

from .factories import make_fpu

YEAR = 2021


def make_offer(school, fpu=None, copies=10, start_year=YEAR, **fields) -> ExchangeOffer:
    fpu = fpu or make_fpu(grades=[5])
    fields.setdefault("edition_year", 2020)
    fields.setdefault("subject", "Математика")
    return ExchangeOffer.objects.create(
        school=school, start_year=start_year, fpu_entry=fpu, copies=copies, **fields
    )


def make_need(school, fpu=None, copies=5, grade=5, start_year=YEAR, **fields) -> ExchangeNeed:
    if fpu is not None:
        fields.setdefault("authors", fpu.authors)
        fields.setdefault("title", fpu.title)
    fields.setdefault("subject", "Математика")
    return ExchangeNeed.objects.create(
        school=school, start_year=start_year, fpu_entry=fpu, grade=grade, copies=copies, **fields
    )


def make_transfer(offer, need, copies=None, status=TransferStatus.PROPOSED, **fields) -> Transfer:
    """A transfer offer.school → need.school with one line; from «согласовано» on, the line is
    agreed and its copies allocated as the service would do it."""
    copies = copies or min(offer.remaining, need.unmet)
    number = exchange._next_number(offer.start_year)
    fields.setdefault("return_due", exchange.default_return_due(offer.start_year))
    transfer = Transfer.objects.create(
        start_year=offer.start_year,
        number=number,
        giver=offer.school,
        receiver=need.school,
        status=status,
        act_date=None if status == TransferStatus.PROPOSED else exchange.date(2021, 6, 15),
        **fields,
    )
    agreed = status != TransferStatus.PROPOSED
    line = TransferLine.objects.create(
        transfer=transfer, offer=offer, need=need, copies=copies, price=150, agreed=agreed
    )
    if agreed:
        exchange._allocate(line)
    TransferEvent.objects.create(transfer=transfer, status=status)
    return transfer
