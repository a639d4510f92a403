from django import forms

from metodkab.lib.xlsx import read_upload
from metodkab.lib.years import parse_year

from .models import GRADES, Appendix


class XlsxUploadField(forms.FileField):
    """An .xlsx upload, checked by content and size; cleans to (file name, bytes)."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        return upload.name, read_upload(upload)


class FpuUploadForm(forms.Form):
    order = forms.CharField(
        label="Приказ",
        max_length=200,
        help_text="Приказ, которым утверждён или изменён перечень: «№ 858 от 21.09.2022».",
    )
    appendix = forms.TypedChoiceField(
        label="Приложение",
        choices=Appendix.choices,
        coerce=int,
        initial=Appendix.CURRENT,
        help_text="Если в файле есть столбец «Приложение», берётся значение из него.",
    )
    file = XlsxUploadField(label="Файл .xlsx", help_text="Не больше 10 МБ.")


class FpuSearchForm(forms.Form):
    q = forms.CharField(label="Поиск", required=False)
    grade = forms.TypedChoiceField(
        label="Класс",
        required=False,
        choices=[("", "все")] + [(g, g) for g in GRADES],
        coerce=int,
        empty_value=None,
    )
    appendix = forms.TypedChoiceField(
        label="Приложение",
        required=False,
        choices=[("", "все")] + Appendix.choices,
        coerce=int,
        empty_value=None,
    )


class EnrollmentForm(forms.Form):
    """Pupils per grade this year, and the forecast for next year (proposed, editable)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for grade in GRADES:
            for prefix in ("pupils", "forecast"):
                self.fields[f"{prefix}_{grade}"] = forms.IntegerField(
                    label=f"{grade} класс", required=False, min_value=0, max_value=10000
                )

    def rows(self):
        """(grade, this year's field, forecast field) for the template."""
        return [(g, self[f"pupils_{g}"], self[f"forecast_{g}"]) for g in GRADES]

    def counts(self, prefix: str) -> dict[int, int | None]:
        return {g: self.cleaned_data[f"{prefix}_{g}"] for g in GRADES}


class CampaignForm(forms.Form):
    year = forms.CharField(label="Учебный год", max_length=9, help_text="Например, 2021-2022.")
    deadline = forms.DateField(
        label="Срок сдачи", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    plan_item = forms.ModelChoiceField(
        label="Пункт плана",
        queryset=None,
        required=False,
        help_text="Открытие и закрытие мониторинга отмечаются выполнением этого пункта.",
    )

    def __init__(self, *args, **kwargs):
        from plan.models import PlanItem

        super().__init__(*args, **kwargs)
        self.fields["plan_item"].queryset = PlanItem.objects.order_by(
            "-section__plan__start_year", "section__order", "order"
        )

    def clean_year(self):
        try:
            return parse_year(self.cleaned_data["year"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="Что исправить", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class ProvisionUploadForm(forms.Form):
    file = XlsxUploadField(
        label="Файл .xlsx",
        help_text="Шаблон школы, заполненный в Excel; не больше 10 МБ. Строки файла заменят "
        "строки отчёта.",
    )


class EnrollmentUploadForm(forms.Form):
    file = XlsxUploadField(
        label="Файл .xlsx со столбцами «Класс» и «Обучающихся»",
        help_text="Например, выгрузка формы ОО-1. Данные подставятся в форму, сохраните их сами.",
    )
