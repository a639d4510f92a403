"""The ОРФ (обменно-резервный фонд): writes that touch several models.

The life of a copy:
- a school declares it in an offer (ExchangeOffer.copies); another school declares a need;
- matching proposes a transfer line offer → need (Transfer «предложено»), nothing is reserved yet;
- agreeing the line reserves it: offer.allocated and need.covered grow by the line's copies in one
  guarded UPDATE each (`... WHERE copies - allocated >= n`), under row locks on PostgreSQL, so that
  no copy is ever promised twice, whoever confirms at the same moment; cancelling gives them back;
- «передано» adds the copies to the receiving school's provision row «Получено из ОРФ» (R) for
  that textbook and grade in the campaign of the transfer's year; the giving school's fund F is
  untouched (the copies are lent; its surplus in the ОРФ list is the offer's remaining copies);
- «возвращено» (temporary transfers) takes them off the receiver's R again and makes them
  available on the giver's offer once more; «закрыто» (permanent ones) leaves R as it is.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from metodkab.lib.ru import plural
from metodkab.lib.years import current_start_year, year_label
from schools.models import Role, School, User

from . import matching
from .models import (
    Campaign,
    Enrollment,
    ExchangeNeed,
    ExchangeOffer,
    ExchangeRound,
    ProvisionRow,
    Status,
    Submission,
    Transfer,
    TransferEvent,
    TransferKind,
    TransferLine,
    TransferStatus,
    mask_grades,
)

PLAN_FRAGMENT = "муниципального ОРФ"


def default_year() -> int:
    """ОРФ work belongs to the year of the latest provision campaign (normally the coming one)."""
    latest = Campaign.objects.order_by("-start_year").values_list("start_year", flat=True).first()
    return latest if latest is not None else current_start_year()


def default_return_due(start_year: int) -> date:
    """Temporary transfers come back at the end of the school year."""
    return date(start_year + 1, 5, 31)


def copies_label(n: int) -> str:
    return f"{n} {plural(n, 'экземпляр', 'экземпляра', 'экземпляров')}"


def _lock(queryset):
    """Row locks where the database has them; SQLite serialises writers instead (IMMEDIATE)."""
    return queryset.select_for_update() if connection.features.has_select_for_update else queryset


# --- Declarations --------------------------------------------------------------------------------


def subject_for(entry) -> str:
    """A textbook's subject as schools name it in their provision rows."""
    if entry is None:
        return ""
    return (
        ProvisionRow.objects.filter(fpu_entry=entry)
        .exclude(subject="")
        .values_list("subject", flat=True)
        .first()
        or ""
    )


def offer_save(*, offer: ExchangeOffer, user) -> ExchangeOffer:
    if not offer.is_writable_by(user):
        raise ValidationError("Излишки школы вносит её библиотекарь или методист.")
    if offer.pk and offer.copies < offer.allocated:
        raise ValidationError(
            f"Уже распределено {copies_label(offer.allocated)}: меньше указать нельзя."
        )
    if not offer.subject:
        offer.subject = subject_for(offer.fpu_entry)
    if offer.created_by_id is None:
        offer.created_by = user
    offer._history_user = user
    offer.save()
    return offer


def need_save(*, need: ExchangeNeed, user) -> ExchangeNeed:
    if not need.is_writable_by(user):
        raise ValidationError("Потребность школы вносит её библиотекарь или методист.")
    if need.pk and need.copies < need.covered:
        raise ValidationError(
            f"Уже обеспечено {copies_label(need.covered)}: меньше указать нельзя."
        )
    if need.fpu_entry_id:
        need.authors, need.title = need.fpu_entry.authors, need.fpu_entry.title
    if not need.subject:
        need.subject = subject_for(need.fpu_entry)
    if need.created_by_id is None:
        need.created_by = user
    need._history_user = user
    need.save()
    return need


def declaration_delete(*, obj, user) -> None:
    """An offer or a need goes away with its proposed lines; one in an agreed transfer stays."""
    if not obj.is_writable_by(user):
        raise ValidationError("Удалить может библиотекарь школы или методист.")
    with transaction.atomic():
        lines = obj.lines.all()
        if (
            lines.filter(agreed=True).exists()
            or lines.exclude(transfer__status=TransferStatus.PROPOSED).exists()
        ):
            raise ValidationError(
                "По этой строке уже согласована (или отменена) передача: удалить её нельзя, "
                "она остаётся в истории передач."
            )
        transfers = set(lines.values_list("transfer_id", flat=True))
        lines.delete()
        Transfer.objects.filter(pk__in=transfers, lines__isnull=True).delete()
        obj._history_user = user
        obj.delete()


def declarations_propose(*, school, start_year: int, user) -> dict:
    """Offers from the surplus S and needs from the need N of the school's accepted provision
    submission for the year; rows already proposed are skipped. Returns the counts."""
    if not (user.is_methodologist or (user.is_librarian and user.school_id == school.pk)):
        raise ValidationError("Предложить излишки и потребность школы может её библиотекарь.")
    submission = Submission.objects.filter(
        school=school, campaign__start_year=start_year, status=Status.ACCEPTED
    ).first()
    if submission is None:
        raise ValidationError(
            f"Отчёт школы об обеспеченности на {year_label(start_year)} учебный год ещё не "
            "принят методистом: предложить нечего."
        )
    with transaction.atomic():
        used_offers = set(
            ExchangeOffer.objects.filter(school=school, start_year=start_year).values_list(
                "source_row_id", flat=True
            )
        )
        used_needs = set(
            ExchangeNeed.objects.filter(school=school, start_year=start_year).values_list(
                "source_row_id", flat=True
            )
        )
        offers, needs = [], []
        for row in submission.rows.select_related("fpu_entry").filter(fpu_entry__isnull=False):
            if row.is_usable and row.surplus > 0 and row.pk not in used_offers:
                offers.append(
                    ExchangeOffer(
                        school=school,
                        start_year=start_year,
                        fpu_entry=row.fpu_entry,
                        subject=row.subject,
                        edition_year=row.edition_year,
                        copies=row.surplus,
                        source_row=row,
                        created_by=user,
                    )
                )
            if row.need > 0 and row.pk not in used_needs:
                needs.append(
                    ExchangeNeed(
                        school=school,
                        start_year=start_year,
                        fpu_entry=row.fpu_entry,
                        authors=row.fpu_entry.authors,
                        title=row.fpu_entry.title,
                        subject=row.subject,
                        grade=row.grade,
                        copies=row.need,
                        source_row=row,
                        created_by=user,
                    )
                )
        bulk_create_with_history(offers, ExchangeOffer, default_user=user)
        bulk_create_with_history(needs, ExchangeNeed, default_user=user)
    return {"offers": len(offers), "needs": len(needs)}


def declarations_import(*, kind: str, school, start_year: int, parsed, user) -> int:
    """Saves checked rows of an offers or needs file for the school: all rows or nothing; rows
    are added to what the school has declared. Returns how many were added."""
    if not parsed.ok:
        raise ValidationError("В файле есть ошибки: ничего не сохранено.")
    if not (user.is_methodologist or (user.is_librarian and user.school_id == school.pk)):
        raise ValidationError("Загрузить данные школы может её библиотекарь или методист.")
    model = ExchangeOffer if kind == "offers" else ExchangeNeed
    with transaction.atomic():
        objects = []
        for row in parsed.rows:
            obj = model(school=school, start_year=start_year, created_by=user, **row.values)
            if not obj.subject:
                obj.subject = subject_for(obj.fpu_entry)
            objects.append(obj)
        bulk_create_with_history(objects, model, default_user=user)
    return len(objects)


# --- Publication ---------------------------------------------------------------------------------


def round_for(start_year: int) -> ExchangeRound:
    return ExchangeRound.objects.get_or_create(start_year=start_year)[0]


def published_round() -> ExchangeRound | None:
    return ExchangeRound.objects.filter(published_at__isnull=False).order_by("-start_year").first()


def round_publish(*, start_year: int, user) -> ExchangeRound:
    """Publishes the year's ОРФ list on the public page and records it on the plan item."""
    with transaction.atomic():
        exchange_round = round_for(start_year)
        exchange_round.published_at = timezone.now()
        exchange_round.published_by = user
        exchange_round._history_user = user
        exchange_round.save()
        from plan.models import PlanItem
        from plan.services import execution_record

        item = PlanItem.objects.find_by_text(PLAN_FRAGMENT)
        if item is not None:
            offers = ExchangeOffer.objects.of_year(start_year).available()
            count = offers.count()
            execution_record(
                item=item,
                date=timezone.localdate(),
                note=(
                    f"Опубликован список ОРФ учебников на {year_label(start_year)} учебный год: "
                    f"{count} {plural(count, 'позиция', 'позиции', 'позиций')}, "
                    f"школ: {offers.values('school').distinct().count()}."
                ),
                source=exchange_round,
                user=user,
            )
    return exchange_round


def round_unpublish(*, start_year: int, user) -> None:
    with transaction.atomic():
        exchange_round = round_for(start_year)
        exchange_round.published_at = None
        exchange_round.published_by = None
        exchange_round._history_user = user
        exchange_round.save()


# --- Matching ------------------------------------------------------------------------------------


def offer_record(offer: ExchangeOffer, remaining: int) -> matching.Offer:
    entry = offer.fpu_entry
    return matching.Offer(
        id=offer.pk,
        school_id=offer.school_id,
        entry_id=entry.pk,
        title_key=matching.title_key(entry.authors, entry.title),
        grades=frozenset(mask_grades(entry.grade_mask)),
        edition_year=offer.edition_year or matching.OLDEST_YEAR,
        copies=remaining,
    )


def need_record(need: ExchangeNeed) -> matching.Need:
    return matching.Need(
        id=need.pk,
        school_id=need.school_id,
        entry_id=need.fpu_entry_id,
        title_key=matching.title_key(need.authors, need.title),
        grade=need.grade,
        copies=need.unmet,
    )


def _next_number(start_year: int) -> int:
    last = Transfer.objects.filter(start_year=start_year).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


def matching_run(*, start_year: int, user) -> dict:
    """Replaces the year's unconfirmed proposal with a new one over what is left: the offers'
    remaining copies (not past their «можно передать до») and the needs' unmet copies.
    Returns {"transfers", "lines", "copies", "unmet"}."""
    today = timezone.localdate()
    with transaction.atomic():
        stale = TransferLine.objects.filter(
            transfer__start_year=start_year,
            transfer__status=TransferStatus.PROPOSED,
            agreed=False,
        )
        stale.delete()
        Transfer.objects.filter(
            start_year=start_year, status=TransferStatus.PROPOSED, lines__isnull=True
        ).delete()
        offers = {
            o.pk: o
            for o in ExchangeOffer.objects.of_year(start_year)
            .available()
            .filter(Q(available_until__isnull=True) | Q(available_until__gte=today))
            .select_related("fpu_entry")
        }
        needs = {
            n.pk: n
            for n in ExchangeNeed.objects.of_year(start_year).filter(covered__lt=F("copies"))
        }
        allocations = matching.match(
            [offer_record(o, o.remaining) for o in offers.values()],
            [need_record(n) for n in needs.values()],
        )
        by_pair = defaultdict(list)
        for allocation in allocations:
            offer, need = offers[allocation.offer_id], needs[allocation.need_id]
            by_pair[offer.school_id, need.school_id].append((allocation, offer))
        existing = {
            (t.giver_id, t.receiver_id): t
            for t in Transfer.objects.filter(start_year=start_year, status=TransferStatus.PROPOSED)
        }
        number = _next_number(start_year)
        schools = School.objects.in_bulk({school for pair in by_pair for school in pair})
        new_transfers = []
        for giver_id, receiver_id in sorted(by_pair):
            if (giver_id, receiver_id) not in existing:
                transfer = Transfer(
                    start_year=start_year,
                    number=number,
                    giver=schools[giver_id],
                    receiver=schools[receiver_id],
                    return_due=default_return_due(start_year),
                )
                number += 1
                new_transfers.append(transfer)
                existing[giver_id, receiver_id] = transfer
        bulk_create_with_history(new_transfers, Transfer, batch_size=500, default_user=user)
        if new_transfers and new_transfers[0].pk is None:  # databases that return no ids
            by_number = dict(
                Transfer.objects.filter(start_year=start_year).values_list("number", "pk")
            )
            for transfer in new_transfers:
                transfer.pk = by_number[transfer.number]
        lines = [
            TransferLine(
                transfer=existing[pair],
                offer_id=allocation.offer_id,
                need_id=allocation.need_id,
                copies=allocation.copies,
                price=offer.price,
                is_exact=allocation.exact,
            )
            for pair, allocations_of_pair in by_pair.items()
            for allocation, offer in allocations_of_pair
        ]
        TransferLine.objects.bulk_create(lines, batch_size=1000)
        TransferEvent.objects.bulk_create(
            [
                TransferEvent(
                    transfer=t, status=TransferStatus.PROPOSED, by=user, note="подбор ОРФ"
                )
                for t in new_transfers
            ],
            batch_size=1000,
        )
        emails = _librarian_emails(schools)
        for transfer in new_transfers:
            copies = sum(a.copies for a, _offer in by_pair[transfer.giver_id, transfer.receiver_id])
            _notify(transfer, "proposed", copies=copies, emails=emails)
    proposed = sum(a.copies for a in allocations)
    return {
        "transfers": len(by_pair),
        "lines": len(lines),
        "copies": proposed,
        "unmet": sum(n.unmet for n in needs.values()) - proposed,
    }


# --- Editing the proposal ------------------------------------------------------------------------


def line_update(*, line: TransferLine, copies: int, price, user) -> None:
    if not line.is_writable_by(user):
        raise ValidationError("Менять можно только несогласованную строку предложенной передачи.")
    if copies < 1:
        raise ValidationError("Укажите не меньше одного экземпляра или удалите строку.")
    offer, need = line.offer, line.need
    if copies > offer.remaining:
        raise ValidationError(
            f"У школы «{offer.school}» осталось только {copies_label(offer.remaining)} "
            f"«{offer.fpu_entry.title}»."
        )
    if copies > need.unmet:
        raise ValidationError(f"Школе «{need.school}» нужно ещё только {copies_label(need.unmet)}.")
    line.copies = copies
    line.price = price
    line._history_user = user
    line.save(update_fields=["copies", "price"])


def line_delete(*, line: TransferLine, user) -> None:
    if not line.is_writable_by(user):
        raise ValidationError("Удалить можно только несогласованную строку предложенной передачи.")
    with transaction.atomic():
        transfer = line.transfer
        line._history_user = user
        line.delete()
        if not transfer.lines.exists():
            transfer.delete()
        elif not transfer.lines.filter(agreed=False).exists():
            _set_status(transfer, TransferStatus.AGREED, user, note="оставшиеся строки согласованы")
            _notify(transfer, "agreed")


def _allocate(line: TransferLine) -> None:
    """Reserves the line's copies on its offer and need, or raises ValidationError."""
    n = line.copies
    # Locks first (PostgreSQL): concurrent confirmations of the same offer queue up here.
    _lock(ExchangeOffer.objects.filter(pk=line.offer_id)).get()
    _lock(ExchangeNeed.objects.filter(pk=line.need_id)).get()
    # The guarded update holds even without locks: it only succeeds while enough is left.
    updated = ExchangeOffer.objects.filter(pk=line.offer_id, copies__gte=F("allocated") + n).update(
        allocated=F("allocated") + n
    )
    if not updated:
        offer = ExchangeOffer.objects.select_related("school", "fpu_entry").get(pk=line.offer_id)
        raise ValidationError(
            f"У школы «{offer.school}» осталось только {copies_label(offer.remaining)} "
            f"«{offer.fpu_entry.title}», а в строке — {n}."
        )
    updated = ExchangeNeed.objects.filter(pk=line.need_id, copies__gte=F("covered") + n).update(
        covered=F("covered") + n
    )
    if not updated:
        need = ExchangeNeed.objects.select_related("school").get(pk=line.need_id)
        raise ValidationError(
            f"Школе «{need.school}» нужно ещё только {copies_label(need.unmet)} «{need.title}», "
            f"а в строке — {n}."
        )


def _release(line: TransferLine, *, need_too: bool = True) -> None:
    ExchangeOffer.objects.filter(pk=line.offer_id).update(allocated=F("allocated") - line.copies)
    if need_too:
        ExchangeNeed.objects.filter(pk=line.need_id).update(covered=F("covered") - line.copies)


def line_agree(*, line: TransferLine, user) -> None:
    """Agrees one line: its copies are reserved; when no unagreed line is left, the transfer is
    «согласовано». Safe to run at the same moment as any other confirmation."""
    transfer = line.transfer
    if not transfer.can_agree(user):
        raise ValidationError("Согласовать можно только предложенную передачу.")
    with transaction.atomic():
        # Only one confirmer flips the line; a second one finds it agreed and stops.
        _lock(Transfer.objects.all()).get(pk=transfer.pk)
        flipped = TransferLine.objects.filter(
            pk=line.pk, agreed=False, transfer__status=TransferStatus.PROPOSED
        ).update(agreed=True, agreed_at=timezone.now(), agreed_by=user)
        if not flipped:
            raise ValidationError("Эта строка уже согласована или передача изменилась.")
        _allocate(line)
        if not TransferLine.objects.filter(transfer_id=transfer.pk, agreed=False).exists():
            transfer.refresh_from_db()
            _set_status(transfer, TransferStatus.AGREED, user)
            _notify(transfer, "agreed")


def transfer_agree(*, transfer: Transfer, user) -> int:
    """Agrees every unagreed line of the transfer, all or none. Returns how many lines."""
    if not transfer.can_agree(user):
        raise ValidationError("Согласовать можно только предложенную передачу.")
    with transaction.atomic():
        lines = list(transfer.lines.filter(agreed=False).order_by("offer_id"))
        if not lines and not transfer.lines.exists():
            raise ValidationError("В передаче нет ни одной строки.")
        for line in lines:
            line_agree(line=line, user=user)
        transfer.refresh_from_db()
        if transfer.status == TransferStatus.PROPOSED:  # all lines were agreed earlier
            _set_status(transfer, TransferStatus.AGREED, user)
            _notify(transfer, "agreed")
    return len(lines)


def proposal_agree_all(*, start_year: int, user) -> dict:
    """Agrees every proposed transfer of the year; a transfer that no longer fits (someone took
    the copies meanwhile) stays proposed and is reported. Returns {"agreed", "failed"}."""
    agreed, failed = 0, []
    transfers = Transfer.objects.filter(
        start_year=start_year, status=TransferStatus.PROPOSED
    ).order_by("number")
    for transfer in transfers:
        try:
            with transaction.atomic():
                transfer_agree(transfer=transfer, user=user)
        except ValidationError as error:
            failed.append(f"№ {transfer.number}: {error.messages[0]}")
        else:
            agreed += 1
    return {"agreed": agreed, "failed": failed}


# --- The steps of a transfer ---------------------------------------------------------------------


def _set_status(transfer: Transfer, status: str, user, *, note: str = "", expect=None) -> None:
    """Moves the transfer on, guarded by its current status, so that two people pressing the same
    button at once do not make the step twice."""
    current = expect or transfer.status
    fields = {"status": status}
    if status == TransferStatus.AGREED:
        fields["act_date"] = timezone.localdate()
    updated = Transfer.objects.filter(pk=transfer.pk, status=current).update(**fields)
    if not updated:
        raise ValidationError("Передача уже изменена другим пользователем: обновите страницу.")
    for name, value in fields.items():
        setattr(transfer, name, value)
    TransferEvent.objects.create(
        transfer=transfer, status=status, by=user if user and user.pk else None, note=note
    )


def transfer_update(*, transfer: Transfer, kind: str, return_due, user) -> None:
    if not transfer.is_writable_by(user):
        raise ValidationError("Вид передачи и срок возврата меняет методист до передачи.")
    if kind == TransferKind.TEMPORARY and return_due is None:
        raise ValidationError("Для временной передачи укажите срок возврата.")
    transfer.kind = kind
    transfer.return_due = return_due if kind == TransferKind.TEMPORARY else None
    transfer._history_user = user
    transfer.save(update_fields=["kind", "return_due"])


def transfer_cancel(*, transfer: Transfer, user, reason: str = "") -> None:
    """Cancels a proposed or agreed transfer: the agreed lines give their copies back."""
    if not transfer.can_cancel(user):
        raise ValidationError("Отменить можно только предложенную или согласованную передачу.")
    with transaction.atomic():
        _lock(Transfer.objects.all()).get(pk=transfer.pk)
        _set_status(transfer, TransferStatus.CANCELLED, user, note=reason.strip()[:500])
        for line in transfer.lines.filter(agreed=True):
            _release(line)


def transfer_deliver(*, transfer: Transfer, user) -> bool:
    """The receiving school confirms receipt: the copies are added to its provision rows «Получено
    из ОРФ». Returns False when there is no provision campaign for the year to add them to."""
    if not transfer.can_deliver(user):
        raise ValidationError("Подтвердить получение может библиотекарь принимающей школы.")
    with transaction.atomic():
        _set_status(transfer, TransferStatus.DELIVERED, user)
        return _provision_apply(transfer, +1, user, f"Получено из ОРФ по акту № {transfer.number}")


def transfer_return(*, transfer: Transfer, user) -> bool:
    """The giving school confirms that a temporary transfer came back: the receiver's «Получено
    из ОРФ» goes down again and the copies are available on the giver's offer once more."""
    if not transfer.can_return(user):
        raise ValidationError("Подтвердить возврат может библиотекарь передающей школы.")
    with transaction.atomic():
        _set_status(transfer, TransferStatus.RETURNED, user)
        for line in transfer.lines.filter(agreed=True):
            _release(line, need_too=False)
        return _provision_apply(transfer, -1, user, f"Возвращено в ОРФ по акту № {transfer.number}")


def transfer_close(*, transfer: Transfer, user) -> None:
    """A permanent transfer is closed once the textbooks are on the receiver's books."""
    if not transfer.can_close(user):
        raise ValidationError("Закрыть можно переданную постоянную передачу.")
    with transaction.atomic():
        _set_status(transfer, TransferStatus.CLOSED, user)


def _provision_apply(transfer: Transfer, sign: int, user, reason: str) -> bool:
    """Adds (sign=+1) or removes (−1) the transfer's copies in the receiver's provision rows of
    the campaign of the transfer's year, one row per textbook and grade (created if missing)."""
    campaign = Campaign.objects.filter(start_year=transfer.start_year).first()
    if campaign is None:
        return False
    submission, _ = Submission.objects.get_or_create(campaign=campaign, school=transfer.receiver)
    copies = defaultdict(int)
    lines = transfer.lines.filter(agreed=True).select_related("offer__fpu_entry", "need")
    subjects = {}
    for line in lines:
        key = (line.offer.fpu_entry, line.need.grade)
        copies[key] += line.copies
        subjects[key] = line.need.subject or line.offer.subject
    pupils = dict(
        Enrollment.objects.filter(
            school=transfer.receiver, start_year=transfer.start_year
        ).values_list("grade", "pupils")
    )
    for (entry, grade), n in copies.items():
        row = (
            _lock(ProvisionRow.objects.filter(submission=submission, grade=grade))
            .filter(fpu_entry=entry)
            .first()
        )
        if row is None:
            if sign < 0:
                continue
            row = ProvisionRow(
                submission=submission,
                grade=grade,
                fpu_entry=entry,
                subject=subjects[entry, grade] or "не указан",
                authors=entry.authors,
                title=entry.title,
                publisher=entry.publisher,
                pupils=pupils.get(grade, 0),
                is_usable=entry.is_usable_in(transfer.start_year),
                warnings="строка добавлена при получении учебников из ОРФ: проверьте число "
                "обучающихся",
            )
        row.from_orf = max(0, row.from_orf + sign * n)
        row._history_user = user
        row._change_reason = reason
        row.save()
    return True


# --- Notifications -------------------------------------------------------------------------------

NOTICES = {
    "proposed": (
        "ОРФ: предложена передача учебников № {number}",
        "Методист предложил передачу учебников из ОРФ № {number} на {year} учебный год: "
        "{giver} передаёт {receiver} {copies}.",
    ),
    "agreed": (
        "ОРФ: передача учебников № {number} согласована",
        "Передача учебников из ОРФ № {number} согласована: {giver} передаёт {receiver} "
        "{copies}. Акт приёма-передачи можно распечатать на странице передачи.",
    ),
    "return_due": (
        "ОРФ: срок возврата учебников по акту № {number} — {due}",
        "Подошёл срок возврата учебников, полученных из ОРФ по акту № {number}: {receiver} "
        "возвращает {giver} {copies} до {due}.",
    ),
}


def _librarian_emails(school_ids) -> dict[int, list[str]]:
    emails = defaultdict(list)
    for school_id, email in (
        User.objects.filter(role=Role.LIBRARIAN, is_active=True, school_id__in=list(school_ids))
        .exclude(email="")
        .values_list("school_id", "email")
    ):
        emails[school_id].append(email)
    return emails


def _notify(transfer: Transfer, event: str, *, copies=None, emails=None) -> int:
    """E-mails both schools' librarians after the transaction commits. Returns how many.
    A caller notifying many transfers passes the copies and the e-mails it already has."""
    subject, text = NOTICES[event]
    if copies is None:
        copies = sum(transfer.lines.values_list("copies", flat=True))
    if emails is None:
        emails = _librarian_emails([transfer.giver_id, transfer.receiver_id])
    values = {
        "number": transfer.number,
        "year": transfer.year,
        "giver": transfer.giver,
        "receiver": transfer.receiver,
        "copies": copies_label(copies),
        "due": transfer.return_due.strftime("%d.%m.%Y") if transfer.return_due else "",
    }
    link = settings.SITE_URL.rstrip("/") + transfer.get_absolute_url()
    recipients = emails.get(transfer.giver_id, []) + emails.get(transfer.receiver_id, [])
    body = text.format(**values) + f"\n\nСтраница передачи: {link}\n\nМетодкабинет"
    title = subject.format(**values)
    for email in recipients:
        transaction.on_commit(
            lambda email=email: send_mail(title, body, None, [email], fail_silently=True)
        )
    return len(recipients)


def return_reminders(*, today: date) -> int:
    """Letters about temporary transfers whose return date falls in the next 7 days or has
    passed; each transfer is reminded once a week at most. Returns how many letters."""
    letters = 0
    due = Transfer.objects.filter(
        status=TransferStatus.DELIVERED,
        kind=TransferKind.TEMPORARY,
        return_due__lte=today + timedelta(days=7),
    ).filter(
        Q(return_reminded_on__isnull=True) | Q(return_reminded_on__lte=today - timedelta(days=7))
    )
    for transfer in due.select_related("giver", "receiver"):
        with transaction.atomic():
            letters += _notify(transfer, "return_due")
            Transfer.objects.filter(pk=transfer.pk).update(return_reminded_on=today)
    return letters


def unmet_needs(start_year: int):
    """Needs still unmet after the agreed transfers (they go to the purchase list)."""
    return (
        ExchangeNeed.objects.of_year(start_year)
        .filter(covered__lt=F("copies"))
        .select_related("school", "fpu_entry")
        .order_by("school__short_name", "grade", "title")
    )
