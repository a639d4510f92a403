from io import StringIO

import pytest
from django.core.management import call_command

from textbooks.models import ExchangeNeed, ExchangeOffer, Transfer, TransferStatus

pytestmark = pytest.mark.django_db


def test_demo_has_offers_needs_a_proposal_and_transfers_in_every_status(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    assert ExchangeOffer.objects.values("school").distinct().count() >= 8
    assert ExchangeNeed.objects.filter(fpu_entry__isnull=True).exists()  # any edition will do
    assert set(Transfer.objects.values_list("status", flat=True)) == set(TransferStatus.values)
    assert Transfer.objects.filter(status=TransferStatus.PROPOSED).count() >= 10
    for offer in ExchangeOffer.objects.all():
        assert 0 <= offer.allocated <= offer.copies
    counts = (ExchangeOffer.objects.count(), Transfer.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (ExchangeOffer.objects.count(), Transfer.objects.count()) == counts
