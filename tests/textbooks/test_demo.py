from io import StringIO

import pytest
from django.core.management import call_command

from textbooks.models import Appendix, Campaign, Enrollment, FpuEntry, Status

pytestmark = pytest.mark.django_db


def test_demo_has_the_list_the_pupils_and_every_status(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert FpuEntry.objects.count() >= 300
    excluded = FpuEntry.objects.filter(appendix=Appendix.EXCLUDED)
    assert {e.status.startswith("исключён") for e in excluded} == {True, False}
    assert Enrollment.objects.exists()
    current = Campaign.objects.order_by("-start_year").first()
    assert set(current.submissions.values_list("status", flat=True)) == set(Status.values)
    call_command("load_demo", stdout=StringIO())  # runs again without errors or duplicates
    assert Campaign.objects.count() == 2
