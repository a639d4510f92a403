"""The ОРФ services: matching into a proposal, agreeing, cancelling, receipt and return, and what
they do to offers, needs and both schools' provision figures."""

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from tests.factories import make_school
from textbooks import exchange
from textbooks.models import (
    ExchangeNeed,
    ExchangeOffer,
    ProvisionRow,
    Status,
    Transfer,
    TransferLine,
    TransferStatus,
)

from .factories import make_campaign, make_fpu, make_row, make_submission
from .orf_factories import YEAR, make_need, make_offer, make_transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def math5(db):
    return make_fpu(
        code="1.1.2.4.1.1.1", grades=[5, 6], authors="Виленкин Н.Я.", title="Математика"
    )


def proposal(methodologist):
    exchange.matching_run(start_year=YEAR, user=methodologist)
    return list(Transfer.objects.filter(status=TransferStatus.PROPOSED).order_by("number"))


def test_matching_proposes_one_transfer_per_pair_with_the_needed_copies(
    school_a, school_b, methodologist, math5
):
    offer = make_offer(school_a, math5, copies=10)
    need = make_need(school_b, math5, copies=4)
    (transfer,) = proposal(methodologist)
    assert (transfer.giver, transfer.receiver, transfer.number) == (school_a, school_b, 1)
    (line,) = transfer.lines.all()
    assert (line.offer, line.need, line.copies, line.agreed) == (offer, need, 4, False)
    offer.refresh_from_db()
    assert offer.allocated == 0  # nothing is reserved before the agreement


def test_rerunning_replaces_the_unconfirmed_proposal_and_keeps_agreed_lines(
    school_a, school_b, methodologist, math5
):
    make_offer(school_a, math5, copies=10)
    make_need(school_b, math5, copies=4)
    (transfer,) = proposal(methodologist)
    exchange.line_agree(line=transfer.lines.get(), user=methodologist)
    make_need(school_b, math5, copies=3, grade=6)
    (new,) = proposal(methodologist)  # only the new need is left to match
    assert new.pk != transfer.pk and new.lines.get().copies == 3
    proposal(methodologist)
    assert Transfer.objects.filter(status=TransferStatus.PROPOSED).count() == 1
    assert TransferLine.objects.count() == 2


def test_agreeing_reserves_copies_and_never_beyond_what_is_left(
    school_a, school_b, methodologist, math5
):
    offer = make_offer(school_a, math5, copies=5)
    need = make_need(school_b, math5, copies=5)
    (transfer,) = proposal(methodologist)
    line = transfer.lines.get()
    # Meanwhile another agreed transfer took 3 of the 5 copies.
    third = make_school(short_name="Третья школа", full_name="Третья школа")
    make_transfer(offer, make_need(third, math5, copies=3), 3, TransferStatus.AGREED)
    with pytest.raises(ValidationError, match="осталось только 2 экземпляра"):
        exchange.line_agree(line=line, user=methodologist)
    offer.refresh_from_db()
    need.refresh_from_db()
    line.refresh_from_db()
    assert (offer.allocated, need.covered, line.agreed) == (3, 0, False)
    exchange.line_update(line=line, copies=2, price=100, user=methodologist)
    exchange.line_agree(line=line, user=methodologist)
    offer.refresh_from_db()
    transfer.refresh_from_db()
    assert offer.allocated == 5 and offer.remaining == 0
    assert transfer.status == TransferStatus.AGREED and transfer.act_date is not None
    assert transfer.events.filter(status=TransferStatus.AGREED).get().by == methodologist


def test_editing_a_line_cannot_ask_for_more_than_is_offered_or_needed(
    school_a, school_b, methodologist, math5
):
    make_offer(school_a, math5, copies=5)
    make_need(school_b, math5, copies=3)
    (transfer,) = proposal(methodologist)
    line = transfer.lines.get()
    with pytest.raises(ValidationError, match="нужно ещё только 3"):
        exchange.line_update(line=line, copies=4, price=0, user=methodologist)
    with pytest.raises(ValidationError, match="осталось только 5"):
        exchange.line_update(line=line, copies=6, price=0, user=methodologist)


def test_removing_the_last_unagreed_line_drops_an_empty_transfer(
    school_a, school_b, methodologist, math5
):
    make_offer(school_a, math5, copies=5)
    make_need(school_b, math5, copies=3)
    (transfer,) = proposal(methodologist)
    exchange.line_delete(line=transfer.lines.get(), user=methodologist)
    assert not Transfer.objects.exists()


def test_cancelling_gives_the_copies_back(school_a, school_b, methodologist, math5):
    offer = make_offer(school_a, math5, copies=5)
    need = make_need(school_b, math5, copies=5)
    transfer = make_transfer(offer, need, 4, TransferStatus.AGREED)
    offer.refresh_from_db()
    assert offer.remaining == 1
    exchange.transfer_cancel(transfer=transfer, user=methodologist, reason="школа отказалась")
    offer.refresh_from_db()
    need.refresh_from_db()
    assert (offer.allocated, need.covered) == (0, 0)
    assert transfer.status == TransferStatus.CANCELLED
    with pytest.raises(ValidationError):
        exchange.transfer_cancel(transfer=transfer, user=methodologist)


def test_agree_all_agrees_what_fits_and_reports_the_rest(school_a, school_b, methodologist, math5):
    offer = make_offer(school_a, math5, copies=5)
    make_need(school_b, math5, copies=5)
    (transfer,) = proposal(methodologist)
    ExchangeOffer.objects.filter(pk=offer.pk).update(allocated=4)  # someone got there first
    result = exchange.proposal_agree_all(start_year=YEAR, user=methodologist)
    assert result["agreed"] == 0 and "осталось только 1" in result["failed"][0]
    ExchangeOffer.objects.filter(pk=offer.pk).update(allocated=0)
    assert exchange.proposal_agree_all(start_year=YEAR, user=methodologist)["agreed"] == 1


def test_the_giving_school_may_agree_but_not_the_receiving_one(
    school_a, school_b, librarian_a, librarian_b, math5
):
    transfer = make_transfer(make_offer(school_a, math5), make_need(school_b, math5))
    assert transfer.can_agree(librarian_a) and not transfer.can_agree(librarian_b)
    with pytest.raises(ValidationError):
        exchange.transfer_agree(transfer=transfer, user=librarian_b)
    exchange.transfer_agree(transfer=transfer, user=librarian_a)
    assert transfer.status == TransferStatus.AGREED


def test_receipt_and_return_move_the_receivers_figures_and_not_the_givers(
    school_a, school_b, librarian_a, librarian_b, math5
):
    campaign = make_campaign(start_year=YEAR)
    giver_row = make_row(make_submission(school_a, campaign), math5, pupils=20, fund=30)
    receiver_row = make_row(
        make_submission(school_b, campaign, status=Status.ACCEPTED), math5, pupils=25, fund=20
    )
    assert (giver_row.surplus, receiver_row.need) == (10, 5)
    offer = make_offer(school_a, math5, copies=10)
    need = make_need(school_b, math5, copies=5)
    transfer = make_transfer(offer, need, 5, TransferStatus.AGREED)

    assert exchange.transfer_deliver(transfer=transfer, user=librarian_b)
    receiver_row.refresh_from_db()
    giver_row.refresh_from_db()
    assert (receiver_row.from_orf, receiver_row.usable, receiver_row.need) == (5, 25, 0)
    assert (giver_row.fund, giver_row.from_orf) == (30, 0)  # lent, not written off
    offer.refresh_from_db()
    assert offer.remaining == 5  # the giver's surplus in the ОРФ list
    record = receiver_row.history.first()
    assert record.history_change_reason == "Получено из ОРФ по акту № 1"
    assert record.history_user == librarian_b

    with pytest.raises(ValidationError):
        exchange.transfer_return(transfer=transfer, user=librarian_b)  # the giver confirms
    assert exchange.transfer_return(transfer=transfer, user=librarian_a)
    receiver_row.refresh_from_db()
    offer.refresh_from_db()
    assert (receiver_row.from_orf, receiver_row.need) == (0, 5)
    assert offer.remaining == 10
    assert list(transfer.events.values_list("status", flat=True)) == [
        TransferStatus.AGREED,
        TransferStatus.DELIVERED,
        TransferStatus.RETURNED,
    ]


def test_receipt_creates_the_row_when_the_school_had_none(school_a, school_b, librarian_b, math5):
    from textbooks.models import Enrollment

    make_campaign(start_year=YEAR)
    Enrollment.objects.create(school=school_b, start_year=YEAR, grade=6, pupils=27)
    transfer = make_transfer(
        make_offer(school_a, math5, price=120), make_need(school_b, math5, 3, grade=6),
        status=TransferStatus.AGREED,
    )  # fmt: skip
    exchange.transfer_deliver(transfer=transfer, user=librarian_b)
    row = ProvisionRow.objects.get(submission__school=school_b)
    assert (row.grade, row.fpu_entry, row.from_orf, row.pupils) == (6, math5, 3, 27)
    assert row.subject == "Математика" and "ОРФ" in row.warnings


def test_a_permanent_transfer_is_closed_by_the_office(
    school_a, school_b, methodologist, librarian_a, math5
):
    transfer = make_transfer(
        make_offer(school_a, math5), make_need(school_b, math5), 2, TransferStatus.DELIVERED,
        kind="permanent",
    )  # fmt: skip
    assert not transfer.can_return(librarian_a) and not transfer.can_close(librarian_a)
    exchange.transfer_close(transfer=transfer, user=methodologist)
    assert transfer.status == TransferStatus.CLOSED


def test_a_step_is_made_once_even_if_pressed_twice(school_a, school_b, librarian_b, math5):
    transfer = make_transfer(
        make_offer(school_a, math5), make_need(school_b, math5), 2, TransferStatus.AGREED
    )
    stale = Transfer.objects.get(pk=transfer.pk)
    exchange.transfer_deliver(transfer=transfer, user=librarian_b)
    with pytest.raises(ValidationError, match="уже изменена"):
        exchange._set_status(stale, TransferStatus.DELIVERED, librarian_b)


def test_offers_and_needs_are_proposed_from_the_accepted_submission(
    school_a, librarian_a, librarian_b, math5
):
    campaign = make_campaign(start_year=YEAR)
    submission = make_submission(school_a, campaign)
    make_row(submission, math5, grade=5, pupils=20, fund=26, write_off=1, edition_year=2019)
    make_row(submission, math5, grade=6, pupils=25, fund=22)
    with pytest.raises(ValidationError, match="не принят"):
        exchange.declarations_propose(school=school_a, start_year=YEAR, user=librarian_a)
    submission.status = Status.ACCEPTED
    submission.save()
    with pytest.raises(ValidationError):
        exchange.declarations_propose(school=school_a, start_year=YEAR, user=librarian_b)
    counts = exchange.declarations_propose(school=school_a, start_year=YEAR, user=librarian_a)
    assert counts == {"offers": 1, "needs": 1}
    offer = ExchangeOffer.objects.get()
    need = ExchangeNeed.objects.get()
    assert (offer.copies, offer.edition_year, offer.subject) == (5, 2019, "Математика")
    assert (need.grade, need.copies, need.fpu_entry) == (6, 3, math5)
    again = exchange.declarations_propose(school=school_a, start_year=YEAR, user=librarian_a)
    assert again == {"offers": 0, "needs": 0}


def test_an_offer_cannot_shrink_below_what_is_allocated(school_a, school_b, librarian_a, math5):
    offer = make_offer(school_a, math5, copies=5)
    make_transfer(offer, make_need(school_b, math5), 4, TransferStatus.AGREED)
    offer.refresh_from_db()
    offer.copies = 3
    with pytest.raises(ValidationError, match="Уже распределено 4"):
        exchange.offer_save(offer=offer, user=librarian_a)


def test_a_declaration_in_an_agreed_transfer_cannot_be_deleted(
    school_a, school_b, librarian_a, math5
):
    offer = make_offer(school_a, math5, copies=5)
    make_transfer(offer, make_need(school_b, math5), 4, TransferStatus.AGREED)
    with pytest.raises(ValidationError, match="уже согласована"):
        exchange.declaration_delete(obj=offer, user=librarian_a)


def test_publishing_records_an_execution_on_the_plan_item(school_a, methodologist, math5):
    from metodkab.lib.years import current_start_year
    from plan.models import Execution, Plan, PlanItem, Section

    plan = Plan.objects.create(start_year=current_start_year())
    section = Section.objects.create(plan=plan, title="Работа с фондом")
    item = PlanItem.objects.create(
        section=section,
        text="Формирование муниципального ОРФ учебников, доведение его до сведения ОО",
    )
    make_offer(school_a, math5, copies=7)
    exchange.round_publish(start_year=YEAR, user=methodologist)
    assert exchange.published_round().start_year == YEAR
    (execution,) = Execution.objects.filter(item=item)
    assert "Опубликован список ОРФ" in execution.note and "1 позиция," in execution.note
    exchange.round_unpublish(start_year=YEAR, user=methodologist)
    assert exchange.published_round() is None


def test_librarians_get_letters_when_a_transfer_is_proposed_and_agreed(
    school_a, school_b, librarian_a, librarian_b, methodologist, math5, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    make_offer(school_a, math5, copies=5)
    make_need(school_b, math5, copies=3)
    with django_capture_on_commit_callbacks(execute=True):
        (transfer,) = proposal(methodologist)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([librarian_a.email, librarian_b.email])
    assert "предложена передача учебников № 1" in mailoutbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        exchange.transfer_agree(transfer=transfer, user=methodologist)
    assert len(mailoutbox) == 4 and "согласована" in mailoutbox[-1].subject


def test_send_reminders_warns_of_returns_falling_due_once_a_week(
    school_a, school_b, librarian_a, librarian_b, math5, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    transfer = make_transfer(
        make_offer(school_a, math5), make_need(school_b, math5), 2, TransferStatus.DELIVERED,
        return_due=date(2022, 5, 31),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2022-05-10", stdout=StringIO())
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2022-05-25", stdout=StringIO())
    assert len(mailoutbox) == 2 and "срок возврата" in mailoutbox[0].subject
    assert "31.05.2022" in mailoutbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2022-05-27", stdout=StringIO())
    assert len(mailoutbox) == 2  # not again within a week
    transfer.refresh_from_db()
    assert transfer.return_reminded_on == date(2022, 5, 25)


def test_deleting_an_offer_drops_its_proposed_lines(
    school_a, school_b, librarian_a, methodologist, math5
):
    offer = make_offer(school_a, math5, copies=5)
    make_need(school_b, math5, copies=3)
    proposal(methodologist)
    exchange.declaration_delete(obj=offer, user=librarian_a)
    assert not ExchangeOffer.objects.exists() and not Transfer.objects.exists()


def test_matching_skips_offers_no_longer_available(school_a, school_b, methodologist, math5):
    make_offer(school_a, math5, copies=5, available_until=date(2020, 8, 31))
    make_need(school_b, math5, copies=3)
    result = exchange.matching_run(start_year=YEAR, user=methodologist)
    assert (result["transfers"], result["unmet"]) == (0, 3)
