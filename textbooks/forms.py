from decimal import Decimal

from django import forms

from metodkab.lib.xlsx import read_upload
from metodkab.lib.years import parse_year

from .models import GRADES, Appendix, ExchangeNeed, ExchangeOffer, FpuEntry, TransferKind


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


# --- ОРФ -----------------------------------------------------------------------------------------


def _entry_by_code(code: str):
    code = code.strip().rstrip(".")
    if not code:
        return None
    entry = FpuEntry.objects.filter(code=code).first()
    if entry is None:
        raise forms.ValidationError(f"Учебника с кодом {code} нет в федеральном перечне.")
    return entry


class OfferForm(forms.ModelForm):
    """Излишки: the textbook by its ФПУ code (the field suggests codes as you type)."""

    code = forms.CharField(
        label="Код ФПУ",
        max_length=40,
        help_text="Начните вводить код, автора или название — появятся подсказки из перечня.",
        widget=forms.TextInput(attrs={"list": "fpu-codes", "autocomplete": "off"}),
    )

    class Meta:
        model = ExchangeOffer
        fields = [
            "edition_year",
            "copies",
            "condition",
            "price",
            "available_from",
            "available_until",
            "subject",
            "note",
        ]
        widgets = {
            "available_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "available_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"subject": "Если не указан, берётся из отчётов об обеспеченности."}

    field_order = ["code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].initial = self.instance.fpu_entry.code
        self.fields["copies"].min_value = 1
        self.fields["copies"].widget.attrs["min"] = 1

    def clean_code(self):
        return _entry_by_code(self.cleaned_data["code"])

    def clean_edition_year(self):
        year = self.cleaned_data["edition_year"]
        if year is not None and not 1950 <= year <= 2100:
            raise forms.ValidationError("Такого года издания быть не может.")
        return year

    def clean_copies(self):
        copies = self.cleaned_data["copies"]
        if copies is not None and copies < 1:
            raise forms.ValidationError("Укажите хотя бы один экземпляр.")
        return copies

    def clean_price(self):
        price = self.cleaned_data["price"]
        if price is None:
            return Decimal(0)
        if price < 0:
            raise forms.ValidationError("Цена не может быть меньше нуля.")
        return price

    def clean(self):
        data = super().clean()
        start, until = data.get("available_from"), data.get("available_until")
        if start and until and until < start:
            self.add_error("available_until", "Дата окончания раньше даты начала.")
        return data

    def save(self, commit=True):
        self.instance.fpu_entry = self.cleaned_data["code"]
        return super().save(commit=commit)


class NeedForm(forms.ModelForm):
    code = forms.CharField(
        label="Код ФПУ",
        max_length=40,
        required=False,
        help_text="Если подойдёт любое издание, оставьте пустым и укажите авторов и название.",
        widget=forms.TextInput(attrs={"list": "fpu-codes", "autocomplete": "off"}),
    )

    class Meta:
        model = ExchangeNeed
        fields = ["authors", "title", "grade", "copies", "needed_by", "subject", "note"]
        widgets = {"needed_by": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    field_order = ["code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.fpu_entry_id:
            self.fields["code"].initial = self.instance.fpu_entry.code
        self.fields["title"].required = False
        self.fields["grade"] = forms.TypedChoiceField(
            label="Класс", choices=[("", "—")] + [(g, g) for g in GRADES], coerce=int
        )
        if self.instance.pk:
            self.fields["grade"].initial = self.instance.grade

    def clean_code(self):
        return _entry_by_code(self.cleaned_data["code"])

    def clean_copies(self):
        copies = self.cleaned_data["copies"]
        if copies is not None and copies < 1:
            raise forms.ValidationError("Укажите хотя бы один экземпляр.")
        return copies

    def clean(self):
        data = super().clean()
        entry, grade = data.get("code"), data.get("grade")
        if entry is None and "code" not in self.errors and not data.get("title"):
            self.add_error("title", "Укажите код ФПУ или авторов и название учебника.")
        if entry is not None and grade and not entry.grade_mask & (1 << grade):
            self.add_error("grade", f"Учебник с кодом {entry.code} — для {entry.grades} кл.")
        return data

    def save(self, commit=True):
        self.instance.fpu_entry = self.cleaned_data["code"]
        return super().save(commit=commit)


class OrfFilterForm(forms.Form):
    q = forms.CharField(
        label="Поиск",
        required=False,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": "код, автор или название"}
        ),
    )
    grade = forms.TypedChoiceField(
        label="Класс",
        required=False,
        choices=[("", "все")] + [(g, g) for g in GRADES],
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    subject = forms.ChoiceField(
        label="Предмет",
        required=False,
        choices=[("", "все")],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", "все")] + [(s, s) for s in subjects]


class LineForm(forms.Form):
    copies = forms.IntegerField(label="Экз.", min_value=1)
    price = forms.DecimalField(label="Цена", min_value=0, max_digits=10, decimal_places=2)


class TransferForm(forms.Form):
    kind = forms.ChoiceField(
        label="Вид передачи",
        choices=TransferKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    return_due = forms.DateField(
        label="Вернуть до",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


class DeclarationUploadForm(forms.Form):
    file = XlsxUploadField(
        label="Файл .xlsx",
        help_text="Шаблон, заполненный в Excel; не больше 10 МБ. Строки файла добавятся к уже "
        "внесённым.",
    )
