from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Campaign,
    Enrollment,
    ExchangeNeed,
    ExchangeOffer,
    ExchangeRound,
    FpuEntry,
    FpuOrder,
    ProvisionImport,
    ProvisionRow,
    Submission,
    Transfer,
    TransferLine,
)


@admin.register(FpuOrder)
class FpuOrderAdmin(admin.ModelAdmin):
    list_display = ["title", "imported_at", "imported_by", "rows"]


@admin.register(FpuEntry)
class FpuEntryAdmin(SimpleHistoryAdmin):
    list_display = ["code", "authors", "title", "grades", "appendix", "end_date", "order"]
    list_filter = ["appendix", "order"]
    search_fields = ["code", "authors", "title"]


@admin.register(Enrollment)
class EnrollmentAdmin(SimpleHistoryAdmin):
    list_display = ["school", "start_year", "grade", "pupils"]
    list_filter = ["start_year", "school"]


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["start_year", "deadline", "opened_at", "closed_at"]


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    list_display = ["school", "campaign", "status", "changed_at"]
    list_filter = ["campaign", "status"]


@admin.register(ProvisionRow)
class ProvisionRowAdmin(SimpleHistoryAdmin):
    list_display = ["submission", "grade", "subject", "title", "pupils", "fund"]
    list_filter = ["submission__campaign", "grade"]
    raw_id_fields = ["submission", "fpu_entry"]


@admin.register(ProvisionImport)
class ProvisionImportAdmin(admin.ModelAdmin):
    list_display = ["submission", "file_name", "imported_at", "imported_by", "rows"]


# --- ОРФ ---


@admin.register(ExchangeRound)
class ExchangeRoundAdmin(SimpleHistoryAdmin):
    list_display = ["start_year", "published_at", "published_by"]


@admin.register(ExchangeOffer)
class ExchangeOfferAdmin(SimpleHistoryAdmin):
    list_display = ["school", "start_year", "fpu_entry", "copies", "allocated", "condition"]
    list_filter = ["start_year", "condition"]
    raw_id_fields = ["fpu_entry", "source_row"]


@admin.register(ExchangeNeed)
class ExchangeNeedAdmin(SimpleHistoryAdmin):
    list_display = ["school", "start_year", "title", "grade", "copies", "covered"]
    list_filter = ["start_year"]
    raw_id_fields = ["fpu_entry", "source_row"]


class TransferLineInline(admin.TabularInline):
    model = TransferLine
    raw_id_fields = ["offer", "need"]
    extra = 0


@admin.register(Transfer)
class TransferAdmin(SimpleHistoryAdmin):
    list_display = ["number", "start_year", "giver", "receiver", "kind", "status"]
    list_filter = ["start_year", "status", "kind"]
    inlines = [TransferLineInline]
