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
from schools.models import School

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


class EnrollmentQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(school__in=School.objects.for_user(user))


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


class SubmissionQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(school__in=School.objects.for_user(user))


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


class ProvisionRowQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(submission__school__in=School.objects.for_user(user))


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
