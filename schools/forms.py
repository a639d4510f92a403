from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm

from .models import Role, School, User


class SchoolForm(forms.ModelForm):
    class Meta:
        model = School
        fields = ["full_name", "short_name", "kind", "address", "director", "phone", "email"]

    def clean_short_name(self):
        return self._unique_name("short_name", "Школа с таким кратким наименованием уже есть.")

    def clean_full_name(self):
        return self._unique_name("full_name", "Школа с таким полным наименованием уже есть.")

    def _unique_name(self, field: str, message: str) -> str:
        # Compared in Python: SQLite's lower() leaves Cyrillic letters as they are.
        value = " ".join(self.cleaned_data[field].split())
        others = School.objects.exclude(pk=self.instance.pk).values_list(field, flat=True)
        if value.casefold() in {name.casefold() for name in others}:
            raise forms.ValidationError(message)
        return value


class AccountForm(forms.ModelForm):
    """The methodologist's form for an account; a new account also gets its first password."""

    password1 = forms.CharField(label="Пароль", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Пароль ещё раз", widget=forms.PasswordInput, strip=False)

    class Meta:
        model = User
        fields = [
            "username",
            "last_name",
            "first_name",
            "patronymic",
            "position",
            "email",
            "phone",
            "role",
            "school",
        ]
        help_texts = {"username": "Латинские буквы, цифры и знаки @/./+/-/_."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.active()
        self.fields["school"].help_text = "Обязательно для школьного библиотекаря."
        self.fields["email"].help_text = "На этот адрес приходят ссылки для сброса пароля."
        if self.instance.pk:
            del self.fields["password1"]
            del self.fields["password2"]
            # A deactivated school stays selectable for accounts already bound to it.
            self.fields["school"].queryset = School.objects.filter(
                is_active=True
            ) | School.objects.filter(pk=self.instance.school_id)

    def clean(self):
        cleaned = super().clean()
        if "password1" in self.fields:
            p1, p2 = cleaned.get("password1"), cleaned.get("password2")
            if p1 and p2 and p1 != p2:
                self.add_error("password2", "Пароли не совпадают.")
        role = cleaned.get("role")
        if role == Role.LIBRARIAN and not cleaned.get("school"):
            self.add_error("school", "Для школьного библиотекаря нужно выбрать школу.")
        if role and role != Role.LIBRARIAN:
            cleaned["school"] = None
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        password = self.cleaned_data.get("password2")
        if "password1" in self.fields and password and not self.has_error("password2"):
            try:
                password_validation.validate_password(password, self.instance)
            except forms.ValidationError as error:
                self.add_error("password2", error)

    def save(self, commit=True):
        user = super().save(commit=False)
        if "password1" in self.fields:
            user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class AccountPasswordForm(SetPasswordForm):
    """The methodologist sets a new password for someone who forgot theirs and has no e-mail."""
