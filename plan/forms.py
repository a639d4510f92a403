from django import forms
from django.conf import settings
from django.utils import timezone

from metodkab.lib.ru import month_name
from metodkab.lib.years import parse_year

from .deadlines import Deadline, parse_deadline
from .models import Checkpoint, DeadlineKind, Plan, PlanItem, Section

ACADEMIC_MONTHS = [9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8]
AUTO = "auto"


class YearField(forms.CharField):
    """An academic year typed as «2020-2021», cleaned to its start year."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Учебный год")
        kwargs.setdefault("help_text", "Например, 2020-2021.")
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_year(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label="Файл плана",
        help_text="Текст (.txt), таблица Excel (.xlsx), документ Word (.docx) или выгрузка .json; "
        "до 10 МБ.",
    )
    year = YearField(
        required=False,
        help_text="Можно не указывать, если год есть в заголовке плана "
        "(«на 2020-2021 учебный год»).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError("Файл больше 10 МБ: такой план загрузить нельзя.")
        if upload.size == 0:
            raise forms.ValidationError("Файл пустой.")
        return upload


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "approver_name", "approver_position", "approved_on"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "approved_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["number", "title"]


class PlanItemForm(forms.ModelForm):
    """An item with its deadline: the phrase as it will be printed, and how it is understood,
    which is detected from the phrase or set by hand when the phrase is not understood."""

    deadline_mode = forms.ChoiceField(
        label="Как понимать срок",
        choices=[(AUTO, "определить по тексту")] + list(DeadlineKind.choices),
        initial=AUTO,
    )
    months = forms.TypedMultipleChoiceField(
        label="Месяцы",
        coerce=int,
        required=False,
        choices=[(m, month_name(m)) for m in ACADEMIC_MONTHS],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-inline"}),
    )
    times = forms.IntegerField(label="Раз в год", min_value=1, max_value=12, required=False)
    date = forms.DateField(
        label="Дата",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    before = forms.BooleanField(label="до этой даты (а не точно в этот день)", required=False)

    class Meta:
        model = PlanItem
        fields = ["number", "text", "deadline_text", "responsible", "not_applicable"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "deadline_text": "Как в плане: «В течение года», «Май, октябрь», «4 раза в год», "
            "«До 15 сентября», «По запросу»…"
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        item = self.instance
        if item.pk and item.deadline_kind != parse_deadline(item.deadline_text).kind:
            # The schedule was set by hand last time: show it as it is.
            self.initial.update(
                deadline_mode=item.deadline_kind,
                months=item.deadline_months,
                times=item.times_per_year,
                date=item.deadline_date,
                before=item.deadline_before,
            )

    def clean(self):
        cleaned = super().clean()
        mode = cleaned.get("deadline_mode")
        text = cleaned.get("deadline_text", "")
        if mode == AUTO:
            cleaned["deadline"] = parse_deadline(text)
            return cleaned
        months = tuple(m for m in ACADEMIC_MONTHS if m in (cleaned.get("months") or []))
        times, when = cleaned.get("times"), cleaned.get("date")
        if mode == DeadlineKind.MONTHS and not months:
            self.add_error("months", "Отметьте хотя бы один месяц.")
        if mode == DeadlineKind.TIMES_PER_YEAR and not times:
            self.add_error("times", "Укажите, сколько раз в год.")
        if mode == DeadlineKind.DATE and not when:
            self.add_error("date", "Укажите дату.")
        if mode == DeadlineKind.THROUGHOUT:
            months = tuple(ACADEMIC_MONTHS)
        cleaned["deadline"] = Deadline(
            text=text,
            kind=mode,
            months=months if mode in (DeadlineKind.MONTHS, DeadlineKind.THROUGHOUT) else (),
            times_per_year=times if mode == DeadlineKind.TIMES_PER_YEAR else None,
            day=when.day if mode == DeadlineKind.DATE and when else None,
            month=when.month if mode == DeadlineKind.DATE and when else None,
            year=when.year if mode == DeadlineKind.DATE and when else None,
            before=bool(cleaned.get("before")) if mode == DeadlineKind.DATE else False,
        )
        return cleaned


class ExecutionForm(forms.Form):
    date = forms.DateField(
        label="Дата",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label="Что сделано",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Например: «Проведена выставка «В помощь библиотекарю», 12 посетителей».",
    )
    checkpoint = forms.ModelChoiceField(
        label="Контрольная точка",
        queryset=Checkpoint.objects.none(),
        required=False,
        empty_label="определить по дате",
    )
    file = forms.FileField(
        label="Документ",
        required=False,
        help_text="Приказ, справка, фотоотчёт… до 10 МБ.",
    )

    def __init__(self, *args, item: PlanItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checkpoint"].queryset = item.checkpoints.all()
        self.fields["date"].initial = timezone.localdate()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError("Файл больше 10 МБ.")
        return upload

    def clean_date(self):
        when = self.cleaned_data["date"]
        if when > timezone.localdate():
            raise forms.ValidationError("Дата выполнения не может быть в будущем.")
        return when


class CopyPlanForm(forms.Form):
    year = YearField(label="Новый учебный год")
