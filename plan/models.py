"""The office's annual work plan: plans by academic year, sections, items, their checkpoints (due
periods computed from the deadline phrase) and executions (what was done, when, with what)."""

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from metodkab.lib.years import current_start_year, year_bounds, year_label

from .deadlines import Deadline


class DeadlineKind(models.TextChoices):
    THROUGHOUT = "throughout", "в течение года"
    MONTHS = "months", "по месяцам"
    TIMES_PER_YEAR = "times_per_year", "N раз в год"
    DATE = "date", "к дате"
    ON_REQUEST = "on_request", "по запросу"
    NONE = "none", "без срока"
    UNPARSED = "unparsed", "не распознан"


class Status(models.TextChoices):
    """The marks of the plan page («Отметка о выполнении»)."""

    PLANNED = "planned", "запланировано"
    DUE = "due", "выполнять сейчас"
    DONE = "done", "выполнено"
    OVERDUE = "overdue", "просрочено"
    NOT_APPLICABLE = "not_applicable", "не выполняется"
    ON_REQUEST = "on_request", "по запросу"


class OfficeQuerySet(models.QuerySet):
    """The plan is the office's document: the methodologist and the committee read it, school
    librarians do not see it."""

    def for_user(self, user):
        if user.is_authenticated and (user.is_methodologist or user.is_committee):
            return self
        return self.none()


class OfficeWritable:
    """Only the methodologist changes the plan."""

    def is_writable_by(self, user) -> bool:
        return user.is_methodologist


class PlanQuerySet(OfficeQuerySet):
    def current(self):
        return self.filter(start_year=current_start_year()).first()


class Plan(OfficeWritable, models.Model):
    start_year = models.PositiveIntegerField("учебный год (год начала)", unique=True)
    title = models.CharField("название", max_length=500)
    approver_name = models.CharField("утверждает: ФИО", max_length=200, blank=True)
    approver_position = models.CharField(
        "утверждает: должность",
        max_length=300,
        blank=True,
        help_text="Например: «Председатель комитета по образованию»",
    )
    approved_on = models.DateField("дата утверждения", null=True, blank=True)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "план работы"
        verbose_name_plural = "планы работы"
        ordering = ["-start_year"]

    def __str__(self):
        return f"План на {self.year_label} учебный год"

    def get_absolute_url(self):
        return reverse("plan:detail", args=[self.start_year])

    @property
    def year_label(self) -> str:
        return year_label(self.start_year)

    @property
    def bounds(self) -> tuple[date, date]:
        return year_bounds(self.start_year)


class Section(OfficeWritable, models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    number = models.CharField("№", max_length=20, blank=True)
    title = models.CharField("название раздела", max_length=500)
    order = models.PositiveIntegerField("порядок", default=0)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        verbose_name = "раздел плана"
        verbose_name_plural = "разделы плана"
        ordering = ["plan", "order", "pk"]

    def __str__(self):
        return f"{self.number} {self.title}".strip()


class PlanItemQuerySet(OfficeQuerySet):
    def of_year(self, start_year: int):
        return self.filter(section__plan__start_year=start_year)

    def find_by_text(self, fragment: str, on_date: date | None = None):
        """The item of the plan of the academic year containing on_date (today by default) whose
        text contains fragment, ignoring case; None when there is none. Other apps use it to find
        the item their work fulfils."""
        start_year = current_start_year(on_date)
        fragment = fragment.casefold()
        # Compared in Python: SQLite's LIKE ignores case only for ASCII letters.
        for item in self.of_year(start_year).order_by("section__order", "order"):
            if fragment in item.text.casefold():
                return item
        return None


class PlanItem(OfficeWritable, models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    number = models.CharField("№", max_length=20, blank=True)
    text = models.TextField("мероприятие")
    deadline_text = models.CharField("сроки выполнения (как в плане)", max_length=300, blank=True)
    deadline_kind = models.CharField(
        "вид срока", max_length=20, choices=DeadlineKind, default=DeadlineKind.NONE
    )
    # Calendar month numbers in academic-year order (September first), for kinds months/throughout.
    deadline_months = models.JSONField("месяцы", default=list, blank=True)
    times_per_year = models.PositiveSmallIntegerField("раз в год", null=True, blank=True)
    deadline_date = models.DateField("срок (дата)", null=True, blank=True)
    deadline_before = models.BooleanField("«до» даты", default=False)
    responsible = models.CharField("ответственный", max_length=300, blank=True)
    not_applicable = models.BooleanField(
        "не выполняется",
        default=False,
        help_text="Пункт снят с плана или не выполняется в этом году; в отчёте не учитывается.",
    )
    order = models.PositiveIntegerField("порядок", default=0)

    objects = PlanItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "пункт плана"
        verbose_name_plural = "пункты плана"
        ordering = ["section__order", "order", "pk"]

    def __str__(self):
        short = self.text if len(self.text) <= 80 else self.text[:77] + "…"
        return f"{self.number} {short}".strip()

    def get_absolute_url(self):
        return reverse("plan:item-detail", args=[self.pk])

    @property
    def deadline(self) -> Deadline:
        """The stored schedule as the parser's value object (for due_periods)."""
        when = self.deadline_date
        return Deadline(
            text=self.deadline_text,
            kind=self.deadline_kind,
            months=tuple(self.deadline_months or ()),
            times_per_year=self.times_per_year,
            day=when.day if when else None,
            month=when.month if when else None,
            year=when.year if when else None,
            before=self.deadline_before,
        )

    def status(self, today: date | None = None) -> str:
        """Item status from its checkpoints (prefetch `checkpoints` and their executions)."""
        if self.not_applicable:
            return Status.NOT_APPLICABLE
        checkpoints = list(self.checkpoints.all())
        if not checkpoints:
            return Status.DONE if self.executions.all() else Status.ON_REQUEST
        states = {cp.status(today) for cp in checkpoints}
        for status in (Status.OVERDUE, Status.DUE):
            if status in states:
                return status
        return Status.DONE if states == {Status.DONE} else Status.PLANNED


class CheckpointQuerySet(models.QuerySet):
    def open(self):
        """Not done yet, on items that are carried out."""
        return self.filter(executions__isnull=True, item__not_applicable=False)

    def overlapping(self, start: date, end: date):
        return self.filter(start__lte=end, end__gte=start)


class Checkpoint(models.Model):
    """One due period of an item inside its academic year (a month, a quarter, a date...)."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="checkpoints")
    start = models.DateField("начало")
    end = models.DateField("срок")
    label = models.CharField("период", max_length=100)

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        verbose_name = "контрольная точка"
        verbose_name_plural = "контрольные точки"
        ordering = ["start", "end", "pk"]

    def __str__(self):
        return self.label

    @property
    def due_text(self) -> str:
        """«октябрь 2020, до 31.10.2020»; a date checkpoint's label already says it."""
        if self.start == self.end or self.label.startswith("до "):
            return self.label
        return f"{self.label}, до {self.end:%d.%m.%Y}"

    @property
    def is_whole_year(self) -> bool:
        return (self.end - self.start).days > 300

    def status(self, today: date | None = None) -> str:
        today = today or timezone.localdate()
        if self.executions.all():
            return Status.DONE
        if self.end < today:
            return Status.OVERDUE
        if self.start <= today:
            return Status.DUE
        return Status.PLANNED


def execution_upload_to(execution, filename: str) -> str:
    return f"plan/executions/{timezone.localdate():%Y/%m}/{secrets.token_hex(8)}/{filename}"


class Execution(OfficeWritable, models.Model):
    """A record that work was done against a plan item: by hand on the item page, or by another
    app through plan.services.execution_record with the record it made (`source`)."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="executions")
    checkpoint = models.ForeignKey(
        Checkpoint,
        verbose_name="контрольная точка",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="executions",
    )
    date = models.DateField("дата")
    note = models.TextField("что сделано")
    file = models.FileField("документ", upload_to=execution_upload_to, blank=True, max_length=300)
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто отметил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("когда отмечено", default=timezone.now)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        verbose_name = "отметка о выполнении"
        verbose_name_plural = "отметки о выполнении"
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["source_type", "source_id"])]

    def __str__(self):
        return f"{self.date:%d.%m.%Y}: {self.note}"

    @property
    def file_name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""

    @property
    def source_url(self) -> str:
        source = self.source
        return source.get_absolute_url() if hasattr(source, "get_absolute_url") else ""


class PlanImport(models.Model):
    """An uploaded plan file: kept while the methodologist looks at the preview, and afterwards
    as the record of what was imported (who, when, which file)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    file = models.FileField(upload_to="plan/imports/%Y/", max_length=300)
    filename = models.CharField("файл", max_length=255)
    sha256 = models.CharField(max_length=64)
    start_year = models.PositiveIntegerField("учебный год", null=True, blank=True)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    items_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "импорт плана"
        verbose_name_plural = "импорты плана"
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename

    @classmethod
    def stale(cls):
        """Previews never confirmed, older than a day: their files are removed."""
        return cls.objects.filter(
            confirmed_at__isnull=True, created_at__lt=timezone.now() - timedelta(days=1)
        )


class CalendarFeed(models.Model):
    """The secret address of a user's iCalendar subscription to the plan's checkpoints."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)

    class Meta:
        verbose_name = "подписка на календарь"
        verbose_name_plural = "подписки на календарь"

    def __str__(self):
        return f"Календарь: {self.user}"
