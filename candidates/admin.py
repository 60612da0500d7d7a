from typing import Any

from django.contrib import admin

from .models import (
    Appraisal,
    Candidate,
    CandidateList,
    ListVote,
    ListVoteResult,
    Nomination,
    Person,
    Pledge,
    RecommendationMeeting,
    RecommendationVote,
    Relative,
)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "masked_id", "sex", "birth_date", "community")
    search_fields = ("name", "name_initials", "name_pinyin")
    list_filter = ("sex", "education", "party_member")
    exclude = ("id_number",)
    readonly_fields = ("masked_id",)


admin.site.register(Relative)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Nomination records change only through the services, which record every change in the audit trail;
    the admin shows them."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ("person", "election", "position", "channel", "status", "level", "recommendation_votes",
                    "created_at")
    list_filter = ("status", "level", "position", "channel", "election__body")
    search_fields = ("person__name", "person__name_initials", "person__name_pinyin")
    list_select_related = ("person", "election", "election__community")
    raw_id_fields = ("election", "person", "replaces", "submitted_by")


class RecommendationVoteInline(admin.TabularInline):
    model = RecommendationVote
    extra = 0
    raw_id_fields = ("person",)

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(RecommendationMeeting)
class RecommendationMeetingAdmin(ReadOnlyAdmin):
    list_display = ("election", "kind", "held_on", "expected", "present", "ballots")
    list_filter = ("kind",)
    list_select_related = ("election", "election__community")
    inlines = [RecommendationVoteInline]


@admin.register(Appraisal)
class AppraisalAdmin(ReadOnlyAdmin):
    list_display = ("person", "election", "ballots", "excellent", "competent", "basic", "incompetent")
    list_select_related = ("person", "election", "election__community")


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    list_display = ("nomination", "signed_on")
    list_select_related = ("nomination__person", "nomination")


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin):
    list_display = ("person", "election", "position", "order")
    list_filter = ("position",)
    list_select_related = ("person", "election", "election__community")


@admin.register(CandidateList)
class CandidateListAdmin(ReadOnlyAdmin):
    list_display = ("election", "published_on", "approval", "approval_on")
    list_filter = ("approval",)
    list_select_related = ("election", "election__community")


class ListVoteResultInline(admin.TabularInline):
    model = ListVoteResult
    extra = 0
    raw_id_fields = ("nomination",)

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ListVote)
class ListVoteAdmin(ReadOnlyAdmin):
    list_display = ("election", "held_on", "expected", "present", "ballots", "created_at")
    list_select_related = ("election", "election__community")
    inlines = [ListVoteResultInline]
