from io import StringIO

import pytest
from django.core.management import call_command

from textbooks.models import ExchangeOffer, Transfer


@pytest.mark.django_db
def test_the_benchmark_runs_agrees_with_the_maximum_flow_and_leaves_no_data():
    out = StringIO()
    call_command("bench_orf", schools=30, per_school=5, check_schools=20, stdout=out)
    text = out.getvalue()
    assert text.count("совпадает") == 2 and "НЕ СОВПАДАЕТ" not in text
    assert "через базу данных" in text
    assert not ExchangeOffer.objects.exists() and not Transfer.objects.exists()
