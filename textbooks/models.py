"""Textbooks: the federal list (ФПУ), pupils per grade (контингент) and the yearly monitoring of
how well each school is provided with textbooks (кампания, отчёт школы, строки обеспеченности)."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from metodkab.lib.years import year_label
from schools.models import School, SchoolScopedQuerySet

GRADES = range(1, 12)


def grades_mask(grades) -> int:
    """Grades as bits (bit 5 = grade 5), so that «1,3» and «5-9» filter the same way."""
    mask = 0
    for grade in grades:
        mask |= 1 << grade
    return mask


def mask_grades(mask: int) -> list[int]:
    return [grade for grade in GRADES if mask & (1 << grade)]


def grades_label(mask: int) -> str:
    """[5, 6, 7, 8, 9] → «5-9»; [1, 3] → «1, 3»."""
    grades = mask_grades(mask)
    if not grades:
        return ""
    if len(grades) > 1 and grades == list(range(grades[0], grades[-1] + 1)):
        return f"{grades[0]}-{grades[-1]}"
    return ", ".join(str(g) for g in grades)


def first_of_september(start_year: int) -> date:
    return date(start_year, 9, 1)


# --- ФПУ -----------------------------------------------------------------------------------------


class FpuOrder(models.Model):
    """An order (приказ) that approved or amended the list, and the import that brought it in."""

    title = models.CharField(
        "приказ", max_length=200, unique=True, help_text="Например, «№ 858 от 21.09.2022»."
    )
    imported_at = models.DateTimeField("загружен", default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="загрузил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file_name = models.CharField("файл", max_length=255, blank=True)
    file_hash = models.CharField("SHA-256 файла", max_length=64, blank=True)
    rows = models.PositiveIntegerField("строк", default=0)

    class Meta:
        verbose_name = "приказ о ФПУ"
        verbose_name_plural = "приказы о ФПУ"
        ordering = ["-imported_at"]

    def __str__(self):
        return self.title


class Appendix(models.IntegerChoices):
    CURRENT = 1, "Приложение 1 (действующий перечень)"
    EXCLUDED = 2, "Приложение 2 (исключённые)"


class FpuEntryQuerySet(models.QuerySet):
    def for_user(self, user):
        # The federal list is public knowledge: everyone who has logged in reads it.
        return self if user.is_authenticated else self.none()

    def for_grade(self, grade: int):
        return self.alias(has_grade=F("grade_mask").bitand(1 << grade)).filter(has_grade__gt=0)

    def search(self, text: str):
        """Each word must occur in the code, authors, title or publisher, in any case. SQLite
        folds the case of ASCII letters only, so Cyrillic words are also tried lower-cased,
        capitalised and upper-cased."""
        query = self
        for word in text.split():
            variants = {word, word.lower(), word.capitalize(), word.upper()}
            condition = Q()
            for variant in variants:
                condition |= (
                    Q(code__startswith=variant)
                    | Q(authors__icontains=variant)
                    | Q(title__icontains=variant)
                    | Q(publisher__icontains=variant)
                )
            query = query.filter(condition)
        return query


class FpuEntry(models.Model):
    """One textbook of the federal list."""

    code = models.CharField("код", max_length=40, unique=True)
    authors = models.CharField("авторы", max_length=500, blank=True)
    title = models.CharField("наименование", max_length=500)
    grades = models.CharField("класс", max_length=40, help_text="Как в перечне: «5», «5-9».")
    grade_mask = models.PositiveIntegerField("классы (биты)", default=0, editable=False)
    publisher = models.CharField("издатель", max_length=300, blank=True)
    appendix = models.PositiveSmallIntegerField(
        "приложение", choices=Appendix, default=Appendix.CURRENT
    )
    end_date = models.DateField(
        "срок использования до",
        null=True,
        blank=True,
        help_text="Для приложения 2 — предельный срок использования.",
    )
    order = models.ForeignKey(
        FpuOrder, verbose_name="приказ", on_delete=models.PROTECT, related_name="entries"
    )

    objects = FpuEntryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "учебник ФПУ"
        verbose_name_plural = "федеральный перечень учебников"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.authors} «{self.title}», {self.grades} кл."

    def get_absolute_url(self):
        return reverse("textbooks:fpu-detail", args=[self.pk])

    def is_writable_by(self, user) -> bool:
        return user.is_methodologist

    @property
    def grade_list(self) -> list[int]:
        return mask_grades(self.grade_mask)

    def is_usable_on(self, day: date) -> bool:
        return self.end_date is None or self.end_date >= day

    def is_usable_in(self, start_year: int) -> bool:
        """May be used in the school year that starts on 1 September of start_year."""
        return self.is_usable_on(first_of_september(start_year))

    def status_on(self, day: date) -> str:
        if not self.is_usable_on(day):
            return "срок использования истёк"
        if self.appendix == Appendix.EXCLUDED:
            limit = self.end_date.strftime("%d.%m.%Y") if self.end_date else "—"
            return f"исключён, можно использовать до {limit}"
        return "действует"

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())


# --- Контингент ----------------------------------------------------------------------------------


class EnrollmentQuerySet(SchoolScopedQuerySet):
    pass


class Enrollment(models.Model):
    """Pupils of one grade of a school in a school year (form ОО-1, as of 20 September)."""

    school = models.ForeignKey(
        School, verbose_name="школа", on_delete=models.CASCADE, related_name="enrollments"
    )
    start_year = models.PositiveSmallIntegerField("учебный год (начало)")
    grade = models.PositiveSmallIntegerField("класс")
    pupils = models.PositiveIntegerField("обучающихся")

    objects = EnrollmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "контингент класса"
        verbose_name_plural = "контингент"
        ordering = ["school", "start_year", "grade"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "start_year", "grade"], name="enrollment_unique"
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=11), name="enrollment_grade_1_11"
            ),
        ]

    def __str__(self):
        return f"{self.school}, {year_label(self.start_year)}, {self.grade} кл.: {self.pupils}"

    @staticmethod
    def is_writable_for(user, school) -> bool:
        """The school's librarian enters the контингент; the office may correct it."""
        return user.is_methodologist or (user.is_librarian and user.school_id == school.pk)


# --- Мониторинг обеспеченности -------------------------------------------------------------------


class CampaignQuerySet(models.QuerySet):
    def for_user(self, user):
        return self if user.is_authenticated else self.none()

    def open(self):
        return self.filter(closed_at__isnull=True)


class Campaign(models.Model):
    """«Мониторинг обеспеченности на 2021-2022 учебный год»: one per school year."""

    start_year = models.PositiveSmallIntegerField("учебный год (начало)", unique=True)
    deadline = models.DateField("срок сдачи")
    opened_at = models.DateTimeField("открыта", default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="открыл",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField("закрыта", null=True, blank=True)
    # The plan item this monitoring fulfils; opening and closing record executions on it.
    plan_item = models.ForeignKey(
        "plan.PlanItem",
        verbose_name="пункт плана",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CampaignQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "кампания мониторинга обеспеченности"
        verbose_name_plural = "кампании мониторинга обеспеченности"
        ordering = ["-start_year"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("textbooks:campaign-detail", args=[self.pk])

    @property
    def title(self) -> str:
        return f"Мониторинг обеспеченности на {year_label(self.start_year)} учебный год"

    @property
    def year(self) -> str:
        return year_label(self.start_year)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def is_writable_by(self, user) -> bool:
        return user.is_methodologist


class Status(models.TextChoices):
    DRAFT = "draft", "черновик"
    SENT = "sent", "отправлено"
    RETURNED = "returned", "на доработке"
    ACCEPTED = "accepted", "принято"


# Which status changes exist, and who makes them: the school sends; the office returns, accepts
# and reopens.
EDITABLE_STATUSES = {Status.DRAFT, Status.RETURNED}


class SubmissionQuerySet(SchoolScopedQuerySet):
    pass


class Submission(models.Model):
    """A school's answer to a campaign: its provision rows and where they are in review."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="кампания", on_delete=models.CASCADE, related_name="submissions"
    )
    school = models.ForeignKey(
        School, verbose_name="школа", on_delete=models.PROTECT, related_name="submissions"
    )
    status = models.CharField("состояние", max_length=20, choices=Status, default=Status.DRAFT)
    comment = models.TextField("замечания методиста", blank=True)
    changed_at = models.DateTimeField("изменено", default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кем изменено",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField("отправлено", null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "отчёт школы об обеспеченности"
        verbose_name_plural = "отчёты школ об обеспеченности"
        ordering = ["school__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "school"], name="submission_unique")
        ]

    def __str__(self):
        return f"{self.school}: {self.campaign.title}"

    def get_absolute_url(self):
        return reverse("textbooks:submission-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES and self.campaign.is_open

    def is_writable_by(self, user) -> bool:
        """Rows are entered by the school's librarian (the office may correct them) while the
        submission is a draft or returned for corrections."""
        if not self.is_editable:
            return False
        return user.is_methodologist or (user.is_librarian and user.school_id == self.school_id)

    def can_send(self, user) -> bool:
        """Sending is the school's act: only its librarian sends."""
        return user.is_librarian and self.is_writable_by(user)

    def can_review(self, user) -> bool:
        return user.is_methodologist and self.status == Status.SENT and self.campaign.is_open

    def can_reopen(self, user) -> bool:
        return user.is_methodologist and self.status == Status.ACCEPTED and self.campaign.is_open


class NeedReason(models.TextChoices):
    GROWTH = "growth", "рост контингента"
    LOSS = "loss", "утрата"
    DEFECT = "defect", "дефектность"
    EXPIRY = "expiry", "истечение предельного срока"
    OTHER = "other", "иное"


class ProvisionRowQuerySet(SchoolScopedQuerySet):
    school_path = "submission__school"


class ProvisionRow(models.Model):
    """One (grade, subject, textbook) line of a school's provision: pupils P, copies in the fund F,
    of them to be written off W, received from the ОРФ R.

    usable U = F − W + R (0 when the textbook may not be used that year), provision % =
    min(100, U/P×100), need N = max(0, P − U), own surplus S = max(0, F − W − P).
    """

    submission = models.ForeignKey(
        Submission, verbose_name="отчёт школы", on_delete=models.CASCADE, related_name="rows"
    )
    grade = models.PositiveSmallIntegerField("класс")
    subject = models.CharField("предмет", max_length=200)
    fpu_entry = models.ForeignKey(
        FpuEntry,
        verbose_name="учебник ФПУ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="provision_rows",
    )
    # Copied from the ФПУ entry when there is one; typed in for a textbook outside the list.
    authors = models.CharField("авторы", max_length=500, blank=True)
    title = models.CharField("наименование", max_length=500)
    publisher = models.CharField("издатель", max_length=300, blank=True)
    edition_year = models.PositiveSmallIntegerField("год издания", null=True, blank=True)
    pupils = models.PositiveIntegerField("обучающихся", default=0)
    fund = models.PositiveIntegerField("в фонде", default=0)
    write_off = models.PositiveIntegerField("подлежит списанию", default=0)
    from_orf = models.PositiveIntegerField("получено из ОРФ", default=0)
    need_reason = models.CharField(
        "причина потребности", max_length=20, choices=NeedReason, blank=True
    )
    # Usable in the campaign's year, worked out on save from the ФПУ limit date.
    is_usable = models.BooleanField("можно использовать", default=True)
    warnings = models.TextField("предупреждения", blank=True)

    objects = ProvisionRowQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "строка обеспеченности"
        verbose_name_plural = "строки обеспеченности"
        ordering = ["grade", "subject", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "grade", "fpu_entry"],
                condition=Q(fpu_entry__isnull=False),
                name="provision_row_textbook_once_per_grade",
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=11), name="provision_row_grade_1_11"
            ),
            models.CheckConstraint(
                condition=Q(write_off__lte=F("fund")), name="provision_row_write_off_le_fund"
            ),
        ]

    def __str__(self):
        return f"{self.grade} кл., {self.subject}: {self.title}"

    def is_writable_by(self, user) -> bool:
        return self.submission.is_writable_by(user)

    @property
    def usable(self) -> int:
        return usable_copies(self.fund, self.write_off, self.from_orf, self.is_usable)

    @property
    def percent(self) -> float | None:
        return provision_percent(self.pupils, self.usable)

    @property
    def need(self) -> int:
        return max(0, self.pupils - self.usable)

    @property
    def surplus(self) -> int:
        return max(0, self.fund - self.write_off - self.pupils)

    @property
    def warning_list(self) -> list[str]:
        return [line for line in self.warnings.splitlines() if line]


def textbook_key(grade: int, fpu_entry_id, authors: str, title: str) -> tuple:
    """What makes a row unique in a submission: a ФПУ textbook once per grade; a textbook
    outside the list by its authors and title, in any case."""
    if fpu_entry_id:
        return (grade, fpu_entry_id)
    return (grade, _fold(authors), _fold(title))


def _fold(text: str) -> str:
    return " ".join(str(text or "").casefold().replace("ё", "е").split())


def usable_copies(fund: int, write_off: int, from_orf: int, is_usable: bool = True) -> int:
    return fund - write_off + from_orf if is_usable else 0


def provision_percent(pupils: int, usable: int) -> float | None:
    """None when there are no pupils: no need, nothing to provide."""
    if not pupils:
        return None
    return min(100.0, usable * 100 / pupils)


class ProvisionImport(models.Model):
    """A school file loaded into a submission: who, when, which file, how many rows."""

    submission = models.ForeignKey(
        Submission, verbose_name="отчёт школы", on_delete=models.CASCADE, related_name="imports"
    )
    imported_at = models.DateTimeField("загружен", default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="загрузил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file_name = models.CharField("файл", max_length=255)
    file_hash = models.CharField("SHA-256 файла", max_length=64)
    rows = models.PositiveIntegerField("строк")

    class Meta:
        verbose_name = "загрузка файла школы"
        verbose_name_plural = "загрузки файлов школ"
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.file_name} ({self.imported_at:%d.%m.%Y %H:%M})"


# --- ОРФ: the municipal exchange-reserve fund ---------------------------------------------------
#
# Schools declare what they can give (ExchangeOffer, излишки) and what they lack (ExchangeNeed,
# потребность) for a school year; the office publishes the list (ExchangeRound), the matcher
# proposes transfers (Transfer with TransferLine), and the office agrees them. Agreeing a line
# allocates the offer's copies (ExchangeOffer.allocated) with a guarded update, so that a copy is
# never promised twice; cancelling gives them back.


class Condition(models.TextChoices):
    NEW = "new", "новый"
    GOOD = "good", "хорошее"
    FAIR = "fair", "удовлетворительное"


class ExchangeRound(models.Model):
    """The ОРФ of one school year: whether (and by whom) its list is published to the public."""

    start_year = models.PositiveSmallIntegerField("учебный год (начало)", unique=True)
    published_at = models.DateTimeField("опубликован", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="опубликовал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ОРФ учебного года"
        verbose_name_plural = "ОРФ по учебным годам"
        ordering = ["-start_year"]

    def __str__(self):
        return f"ОРФ на {year_label(self.start_year)} учебный год"

    @property
    def year(self) -> str:
        return year_label(self.start_year)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class SchoolOwnedQuerySet(SchoolScopedQuerySet):
    def of_year(self, start_year: int):
        return self.filter(start_year=start_year)


class ExchangeOfferQuerySet(SchoolOwnedQuerySet):
    def available(self):
        """Offers with copies still to give: what the ОРФ list shows."""
        return self.filter(allocated__lt=F("copies"))


class SchoolWritable(models.Model):
    """An ОРФ declaration (offer or need) of a school for a school year: entered by the school's
    librarian, possibly proposed from a provision row; the office may correct it."""

    start_year = models.PositiveSmallIntegerField("учебный год (начало)")
    note = models.CharField("примечание", max_length=500, blank=True)
    source_row = models.ForeignKey(
        ProvisionRow,
        verbose_name="строка обеспеченности",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("внесено", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="внёс",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    def is_writable_by(self, user) -> bool:
        return user.is_methodologist or (user.is_librarian and user.school_id == self.school_id)


class ExchangeOffer(SchoolWritable):
    """Излишки: copies of a ФПУ textbook a school can give to the ОРФ in a school year."""

    school = models.ForeignKey(
        School, verbose_name="школа", on_delete=models.PROTECT, related_name="orf_offers"
    )
    fpu_entry = models.ForeignKey(
        FpuEntry, verbose_name="учебник ФПУ", on_delete=models.PROTECT, related_name="orf_offers"
    )
    subject = models.CharField("предмет", max_length=200, blank=True)
    edition_year = models.PositiveSmallIntegerField("год издания", null=True, blank=True)
    copies = models.PositiveIntegerField("экземпляров")
    # Copies promised by agreed transfers; copies − allocated are still available.
    allocated = models.PositiveIntegerField("распределено", default=0, editable=False)
    condition = models.CharField(
        "состояние", max_length=10, choices=Condition, default=Condition.GOOD
    )
    price = models.DecimalField(
        "цена за экз., руб.", max_digits=10, decimal_places=2, default=0, blank=True
    )
    available_from = models.DateField("можно передать с", null=True, blank=True)
    available_until = models.DateField("можно передать до", null=True, blank=True)

    objects = ExchangeOfferQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "излишки (предложение в ОРФ)"
        verbose_name_plural = "излишки (предложения в ОРФ)"
        ordering = ["school__short_name", "fpu_entry__code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(allocated__lte=F("copies")), name="orf_offer_allocated_le_copies"
            ),
            models.CheckConstraint(condition=Q(copies__gt=0), name="orf_offer_copies_positive"),
        ]

    def __str__(self):
        return (
            f"{self.school}: {self.fpu_entry.authors} «{self.fpu_entry.title}», {self.copies} экз."
        )

    def get_absolute_url(self):
        return reverse("textbooks:orf-offer-edit", args=[self.pk])

    @property
    def remaining(self) -> int:
        return self.copies - self.allocated

    @property
    def year(self) -> str:
        return year_label(self.start_year)


class ExchangeNeed(SchoolWritable):
    """Потребность: copies of a textbook a school lacks for a grade. With a ФПУ entry the exact
    textbook is wanted first; with authors and title only, any edition will do."""

    school = models.ForeignKey(
        School, verbose_name="школа", on_delete=models.PROTECT, related_name="orf_needs"
    )
    fpu_entry = models.ForeignKey(
        FpuEntry,
        verbose_name="учебник ФПУ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orf_needs",
    )
    authors = models.CharField("авторы", max_length=500, blank=True)
    title = models.CharField("наименование", max_length=500)
    subject = models.CharField("предмет", max_length=200, blank=True)
    grade = models.PositiveSmallIntegerField("класс")
    copies = models.PositiveIntegerField("экземпляров")
    # Copies covered by agreed transfers.
    covered = models.PositiveIntegerField("обеспечено из ОРФ", default=0, editable=False)
    needed_by = models.DateField("нужно к", null=True, blank=True)

    objects = SchoolOwnedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "потребность (заявка в ОРФ)"
        verbose_name_plural = "потребности (заявки в ОРФ)"
        ordering = ["school__short_name", "grade", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(covered__lte=F("copies")), name="orf_need_covered_le_copies"
            ),
            models.CheckConstraint(condition=Q(copies__gt=0), name="orf_need_copies_positive"),
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=11), name="orf_need_grade_1_11"
            ),
        ]

    def __str__(self):
        return f"{self.school}: {self.authors} «{self.title}», {self.grade} кл., {self.copies} экз."

    def get_absolute_url(self):
        return reverse("textbooks:orf-need-edit", args=[self.pk])

    @property
    def unmet(self) -> int:
        return self.copies - self.covered

    @property
    def year(self) -> str:
        return year_label(self.start_year)


class TransferKind(models.TextChoices):
    TEMPORARY = "temporary", "временная (с возвратом)"
    PERMANENT = "permanent", "постоянная"


class TransferStatus(models.TextChoices):
    PROPOSED = "proposed", "предложено"
    AGREED = "agreed", "согласовано"
    DELIVERED = "delivered", "передано"
    RETURNED = "returned", "возвращено"
    CLOSED = "closed", "закрыто"
    CANCELLED = "cancelled", "отменено"


# An act of transfer exists from the agreement on (it is what the schools sign).
ACT_STATUSES = {
    TransferStatus.AGREED,
    TransferStatus.DELIVERED,
    TransferStatus.RETURNED,
    TransferStatus.CLOSED,
}
# Statuses in which copies stay allocated to the transfer.
OPEN_STATUSES = {TransferStatus.PROPOSED, TransferStatus.AGREED}


class TransferQuerySet(models.QuerySet):
    def for_user(self, user):
        """The office and the committee see all transfers; a librarian those of her school."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_all_schools:
            return self
        return self.filter(Q(giver_id=user.school_id) | Q(receiver_id=user.school_id))

    def of_year(self, start_year: int):
        return self.filter(start_year=start_year)


class Transfer(models.Model):
    """A transfer of textbooks from one school to another (акт приёма-передачи)."""

    start_year = models.PositiveSmallIntegerField("учебный год (начало)")
    number = models.PositiveIntegerField("№ акта")
    giver = models.ForeignKey(
        School, verbose_name="передающая школа", on_delete=models.PROTECT, related_name="+"
    )
    receiver = models.ForeignKey(
        School, verbose_name="принимающая школа", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(
        "вид передачи", max_length=10, choices=TransferKind, default=TransferKind.TEMPORARY
    )
    return_due = models.DateField("вернуть до", null=True, blank=True)
    status = models.CharField(
        "состояние", max_length=10, choices=TransferStatus, default=TransferStatus.PROPOSED
    )
    act_date = models.DateField("дата акта", null=True, blank=True)
    created_at = models.DateTimeField("создано", default=timezone.now)
    return_reminded_on = models.DateField("напоминание о возврате", null=True, blank=True)

    objects = TransferQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "передача учебников (ОРФ)"
        verbose_name_plural = "передачи учебников (ОРФ)"
        ordering = ["-start_year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["start_year", "number"], name="transfer_number_unique"),
            models.CheckConstraint(
                condition=~Q(giver=F("receiver")), name="transfer_giver_is_not_receiver"
            ),
        ]

    def __str__(self):
        return f"Передача № {self.number} ({self.year}): {self.giver} → {self.receiver}"

    def get_absolute_url(self):
        return reverse("textbooks:orf-transfer-detail", args=[self.pk])

    @property
    def year(self) -> str:
        return year_label(self.start_year)

    @property
    def is_temporary(self) -> bool:
        return self.kind == TransferKind.TEMPORARY

    @property
    def has_act(self) -> bool:
        return self.status in ACT_STATUSES

    def is_writable_by(self, user) -> bool:
        """Lines, kind and dates are the office's to change while the transfer is open."""
        return user.is_methodologist and self.status in OPEN_STATUSES

    def is_party(self, user) -> bool:
        return user.is_librarian and user.school_id in (self.giver_id, self.receiver_id)

    def can_agree(self, user) -> bool:
        """The office agrees; so may the giving school, whose copies they are."""
        if self.status != TransferStatus.PROPOSED:
            return False
        return user.is_methodologist or (user.is_librarian and user.school_id == self.giver_id)

    def can_deliver(self, user) -> bool:
        """Receipt is confirmed by the receiving school (or the office on its behalf)."""
        if self.status != TransferStatus.AGREED:
            return False
        return user.is_methodologist or (user.is_librarian and user.school_id == self.receiver_id)

    def can_return(self, user) -> bool:
        """A return is confirmed by the giving school, which gets its copies back."""
        if self.status != TransferStatus.DELIVERED or not self.is_temporary:
            return False
        return user.is_methodologist or (user.is_librarian and user.school_id == self.giver_id)

    def can_close(self, user) -> bool:
        return (
            self.status == TransferStatus.DELIVERED
            and not self.is_temporary
            and user.is_methodologist
        )

    def can_cancel(self, user) -> bool:
        return self.status in OPEN_STATUSES and user.is_methodologist

    def can_read_act(self, user) -> bool:
        return self.has_act and (user.sees_all_schools or self.is_party(user))

    @property
    def is_return_overdue(self) -> bool:
        return (
            self.status == TransferStatus.DELIVERED
            and self.is_temporary
            and self.return_due is not None
            and self.return_due < timezone.localdate()
        )


class TransferLineQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(transfer__in=Transfer.objects.for_user(user))


class TransferLine(models.Model):
    """A line of a transfer: copies of an offer that serve a need. `agreed` lines hold their
    copies allocated on the offer (and covered on the need)."""

    transfer = models.ForeignKey(
        Transfer, verbose_name="передача", on_delete=models.CASCADE, related_name="lines"
    )
    offer = models.ForeignKey(
        ExchangeOffer, verbose_name="излишки", on_delete=models.PROTECT, related_name="lines"
    )
    need = models.ForeignKey(
        ExchangeNeed, verbose_name="потребность", on_delete=models.PROTECT, related_name="lines"
    )
    copies = models.PositiveIntegerField("экземпляров")
    price = models.DecimalField("цена за экз., руб.", max_digits=10, decimal_places=2, default=0)
    is_exact = models.BooleanField("тот же учебник", default=True)
    agreed = models.BooleanField("согласовано", default=False)
    agreed_at = models.DateTimeField("согласовано когда", null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="согласовал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = TransferLineQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "строка передачи"
        verbose_name_plural = "строки передач"
        ordering = ["transfer", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(copies__gt=0), name="transfer_line_copies_positive")
        ]

    def __str__(self):
        return f"{self.offer.fpu_entry.title}: {self.copies} экз."

    def is_writable_by(self, user) -> bool:
        return not self.agreed and self.transfer.is_writable_by(user)

    @property
    def total(self):
        return self.price * self.copies


class TransferEvent(models.Model):
    """A step of a transfer: who did what and when (shown on the transfer's page)."""

    transfer = models.ForeignKey(
        Transfer, verbose_name="передача", on_delete=models.CASCADE, related_name="events"
    )
    status = models.CharField("состояние", max_length=10, choices=TransferStatus)
    at = models.DateTimeField("когда", default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("примечание", max_length=500, blank=True)

    class Meta:
        verbose_name = "шаг передачи"
        verbose_name_plural = "шаги передач"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_status_display()} {self.at:%d.%m.%Y %H:%M}"
