"""No copy is promised twice: several people confirm transfers against one offer at the same
moment, each in their own thread and database connection."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from schools.models import Role
from tests.factories import make_school, make_user
from textbooks import exchange
from textbooks.models import ExchangeNeed, ExchangeOffer, TransferLine

from .factories import make_fpu
from .orf_factories import make_need, make_offer, make_transfer

# pytest-django's SQLite test database is in memory with a shared cache, where a second writer
# gets «database table is locked» at once instead of waiting for the busy timeout, so threads
# cannot take turns there. The guarded update itself is tested on SQLite in test_orf_exchange.py
# (test_agreeing_reserves_copies_and_never_beyond_what_is_left); here PostgreSQL's row locks are.
pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database cannot run concurrent writers; runs on PostgreSQL",
)

THREADS = 8
COPIES = 10
PER_LINE = 3  # 8 × 3 = 24 copies asked of 10: at most three lines fit


def run_at_once(actions):
    """Runs the actions in threads released together; returns their results or errors."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def worker(index, action):
        try:
            barrier.wait()
            results[index] = action()
        except Exception as error:  # collected and checked by the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_never_allocate_beyond_the_offer():
    fpu = make_fpu(grades=[5])
    giver = make_school()
    offer = make_offer(giver, fpu, copies=COPIES)
    methodologist = make_user(Role.METHODOLOGIST)
    librarian = make_user(Role.LIBRARIAN, school=giver)
    lines = []
    for _ in range(THREADS):
        need = make_need(make_school(), fpu, copies=PER_LINE)
        lines.append(make_transfer(offer, need, PER_LINE).lines.get())

    def confirm(line, user):
        def action():
            # A fresh copy per thread, as a request would load it.
            line_now = TransferLine.objects.select_related("transfer").get(pk=line.pk)
            exchange.line_agree(line=line_now, user=user)
            return line_now.copies

        return action

    # Half of them the methodologist, half the giving school's librarian.
    users = [methodologist, librarian] * (THREADS // 2)
    results = run_at_once([confirm(line, user) for line, user in zip(lines, users, strict=True)])

    unexpected = [
        r for r in results if isinstance(r, Exception) and not isinstance(r, ValidationError)
    ]
    assert not unexpected, unexpected
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert all("осталось только" in r.messages[0] for r in refused)
    offer.refresh_from_db()
    agreed = TransferLine.objects.filter(offer=offer, agreed=True)
    allocated = sum(agreed.values_list("copies", flat=True))
    assert offer.allocated == allocated <= COPIES
    assert allocated == COPIES // PER_LINE * PER_LINE  # as many as fit were agreed
    assert len(refused) == THREADS - agreed.count()
    covered = sum(ExchangeNeed.objects.values_list("covered", flat=True))
    assert covered == allocated


@pytest.mark.django_db(transaction=True)
def test_the_same_line_confirmed_twice_at_once_is_allocated_once():
    fpu = make_fpu(grades=[5])
    offer = make_offer(make_school(), fpu, copies=COPIES)
    line = make_transfer(offer, make_need(make_school(), fpu, copies=4), 4).lines.get()
    methodologist = make_user(Role.METHODOLOGIST)

    def action():
        exchange.line_agree(
            line=TransferLine.objects.select_related("transfer").get(pk=line.pk),
            user=methodologist,
        )

    results = run_at_once([action] * 4)
    assert sum(1 for r in results if r is None) == 1
    assert ExchangeOffer.objects.get(pk=offer.pk).allocated == 4
