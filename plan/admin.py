from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Execution, Plan, PlanImport, PlanItem, Section


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["start_year", "title"]
    inlines = [SectionInline]


@admin.register(PlanItem)
class PlanItemAdmin(SimpleHistoryAdmin):
    list_display = ["number", "text", "deadline_text", "deadline_kind", "section"]
    list_filter = ["deadline_kind", "section__plan"]
    search_fields = ["text"]


@admin.register(Execution)
class ExecutionAdmin(admin.ModelAdmin):
    list_display = ["date", "item", "note", "created_by"]
    list_filter = ["item__section__plan"]


@admin.register(PlanImport)
class PlanImportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "filename", "start_year", "confirmed_at", "created_by"]
