from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import School, User


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ["short_name", "kind", "director", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["short_name", "full_name"]


@admin.register(User)
class AccountAdmin(UserAdmin):
    list_display = ["username", "last_name", "first_name", "role", "school", "is_active"]
    list_filter = ["role", "is_active", "school"]
    fieldsets = UserAdmin.fieldsets + (
        ("Методкабинет", {"fields": ["patronymic", "position", "phone", "role", "school"]}),
    )
