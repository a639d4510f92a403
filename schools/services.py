from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Role, School, User


@transaction.atomic
def school_set_active(*, school: School, active: bool) -> School:
    """Deactivate or reactivate a school. Schools are never deleted: their data stays in the
    statistics of past years."""
    school.is_active = active
    school.save(update_fields=["is_active"])
    if not active:
        User.objects.librarians_of(school).update(is_active=False)
    return school


@transaction.atomic
def account_set_active(*, account: User, active: bool, by: User) -> User:
    if not active:
        if account.pk == by.pk:
            raise ValidationError("Нельзя отключить собственную учётную запись.")
        if account.role == Role.METHODOLOGIST:
            # Lock the methodologists' rows so that two simultaneous deactivations cannot both
            # pass the check and leave the office without a methodologist.
            others = User.objects.select_for_update().active_methodologists().exclude(pk=account.pk)
            if not list(others):
                raise ValidationError(
                    "Нельзя отключить последнего действующего методиста: "
                    "иначе некому будет управлять системой."
                )
    elif account.role == Role.LIBRARIAN and not account.school.is_active:
        raise ValidationError(f"Школа «{account.school}» отключена: сначала включите школу.")
    account.is_active = active
    account.save(update_fields=["is_active"])
    return account


@transaction.atomic
def account_save(*, form, by: User) -> User:
    """Save the account form, refusing to take the methodologist role from the last one."""
    account = form.instance
    if account.pk:
        was = User.objects.get(pk=account.pk)
        if (
            was.role == Role.METHODOLOGIST
            and was.is_active
            and form.cleaned_data["role"] != Role.METHODOLOGIST
            and not User.objects.select_for_update()
            .active_methodologists()
            .exclude(pk=account.pk)
            .exists()
        ):
            raise ValidationError("Нельзя сменить роль последнего действующего методиста.")
    return form.save()
