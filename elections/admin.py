from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Campaign, Election, Event, Jurisdiction, Milestone, Notification, Rulebook, Seat, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("换届工作", {"fields": ("full_name", "role", "jurisdiction", "department")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("换届工作", {"fields": ("full_name", "role", "jurisdiction", "department")}),
    )
    list_display = ("username", "full_name", "role", "jurisdiction", "department", "is_active")
    list_filter = ("role", "department", "is_active")
    search_fields = ("username", "full_name")


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "parent")
    list_filter = ("level",)
    search_fields = ("name", "code")


@admin.register(Rulebook)
class RulebookAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "body", "kind", "is_preset")


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "jurisdiction")
    inlines = [MilestoneInline]


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ("community", "body", "kind", "stage", "election_day", "campaign")
    list_filter = ("body", "kind", "stage")
    inlines = [SeatInline]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only."""

    list_display = ("chain", "seq", "at", "actor_name", "action", "summary")
    list_filter = ("action",)

    def has_add_permission(self, request):  # noqa: ANN001, ANN201
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False


admin.site.register(Notification)
admin.site.site_header = "社区“两委”换届工作平台 · 系统管理"
