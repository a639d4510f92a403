from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    METHODOLOGIST = "methodologist", "Методист"
    LIBRARIAN = "librarian", "Школьный библиотекарь"
    COMMITTEE = "committee", "Сотрудник комитета по образованию"


class SchoolType(models.TextChoices):
    SOSH = "sosh", "СОШ"
    GYMNASIUM = "gymnasium", "Гимназия"
    LYCEUM = "lyceum", "Лицей"
    OOSH = "oosh", "ООШ"
    NOSH = "nosh", "НОШ"
    BRANCH = "branch", "Филиал"
    BOARDING = "boarding", "Школа-интернат"
    OTHER = "other", "Иная"


class SchoolQuerySet(models.QuerySet):
    def for_user(self, user):
        """Schools the user may see: all for the office and the committee, their own for a
        librarian, none for anybody else."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_all_schools:
            return self
        return self.filter(pk=user.school_id)

    def active(self):
        return self.filter(is_active=True)


class School(models.Model):
    full_name = models.CharField("полное наименование", max_length=400)
    short_name = models.CharField(
        "краткое наименование",
        max_length=100,
        help_text="Как школу называют в таблицах и отчётах, например «МБОУ СОШ № 9».",
    )
    kind = models.CharField("тип", max_length=20, choices=SchoolType, default=SchoolType.SOSH)
    address = models.CharField("адрес", max_length=300, blank=True)
    director = models.CharField("директор", max_length=200, blank=True)
    phone = models.CharField("телефон", max_length=50, blank=True)
    email = models.EmailField("e-mail", blank=True)
    is_active = models.BooleanField("действует", default=True)

    objects = SchoolQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "образовательная организация"
        verbose_name_plural = "образовательные организации"
        ordering = ["short_name"]
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("short_name"),
                name="school_short_name_ci_unique",
                violation_error_message="Школа с таким кратким наименованием уже есть.",
            ),
            models.UniqueConstraint(
                models.functions.Lower("full_name"),
                name="school_full_name_ci_unique",
                violation_error_message="Школа с таким полным наименованием уже есть.",
            ),
        ]

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("schools:detail", args=[self.pk])

    def is_writable_by(self, user) -> bool:
        return user.is_methodologist


class SchoolScopedQuerySet(models.QuerySet):
    """Records that belong to one school (контингент, submissions, ОРФ offers...): a user sees
    them where she sees the school. Subclasses name the path to the school if it is not
    `school`."""

    school_path = "school"

    def for_user(self, user):
        return self.filter(**{f"{self.school_path}__in": School.objects.for_user(user)})


class UserQuerySet(models.QuerySet):
    def for_user(self, user):
        """Accounts the user may see: the methodologist manages all of them; others none."""
        if user.is_authenticated and user.is_methodologist:
            return self
        return self.none()

    def active_methodologists(self):
        return self.filter(role=Role.METHODOLOGIST, is_active=True)

    def librarians_of(self, school):
        return self.filter(role=Role.LIBRARIAN, school=school, is_active=True)


class AccountManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """An account of the office, a school library or the committee.

    Django's own is_staff/is_superuser are only for the technical /admin/ area; what a person may do
    in the application is decided by `role` (and `school` for a librarian).
    """

    patronymic = models.CharField("отчество", max_length=150, blank=True)
    position = models.CharField("должность", max_length=200, blank=True)
    phone = models.CharField("телефон", max_length=50, blank=True)
    role = models.CharField("роль", max_length=20, choices=Role, default=Role.LIBRARIAN)
    school = models.ForeignKey(
        School,
        verbose_name="школа",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )

    objects = AccountManager()

    class Meta:
        verbose_name = "учётная запись"
        verbose_name_plural = "учётные записи"
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self):
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    def get_absolute_url(self):
        return reverse("schools:account-edit", args=[self.pk])

    @property
    def short_name(self) -> str:
        """«Иванова А. П.», as people are named in Russian documents."""
        initials = " ".join(f"{p[0]}." for p in (self.first_name, self.patronymic) if p)
        return f"{self.last_name} {initials}".strip() if self.last_name else self.username

    @property
    def is_methodologist(self) -> bool:
        return self.is_active and self.role == Role.METHODOLOGIST

    @property
    def is_librarian(self) -> bool:
        return self.is_active and self.role == Role.LIBRARIAN

    @property
    def is_committee(self) -> bool:
        return self.is_active and self.role == Role.COMMITTEE

    @property
    def sees_all_schools(self) -> bool:
        return self.is_methodologist or self.is_committee

    def is_writable_by(self, user) -> bool:
        return user.is_methodologist
