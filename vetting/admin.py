from django.contrib import admin

from .models import Ground, Objection, Publicity, Report, Review, ReviewDepartment


@admin.register(Ground)
class GroundAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "department", "text", "district", "active")
    list_filter = ("kind", "department", "active")
    search_fields = ("code", "text")


@admin.register(ReviewDepartment)
class ReviewDepartmentAdmin(admin.ModelAdmin):
    list_display = ("district", "code", "active")
    list_filter = ("active",)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("nomination", "level", "department", "decision", "street_decision", "reviewer", "created_at")
    list_filter = ("level", "department", "decision", "street_decision")
    raw_id_fields = ("nomination", "reviewer", "street_decided_by")


@admin.register(Publicity)
class PublicityAdmin(admin.ModelAdmin):
    list_display = ("election", "starts_on", "ends_on", "place")
    raw_id_fields = ("election", "recorded_by")


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ("election", "nomination", "received_on", "status", "resolved_on")
    list_filter = ("status",)
    raw_id_fields = ("election", "nomination", "recorded_by", "resolved_by")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("election", "nomination", "channel", "received_on", "due_on", "status", "closed_on")
    list_filter = ("status", "channel")
    raw_id_fields = ("election", "nomination", "recorded_by", "closed_by")
