from django.contrib import admin

from .models import Person, Relative


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "masked_id", "sex", "birth_date", "community")
    search_fields = ("name", "name_initials", "name_pinyin")
    list_filter = ("sex", "education", "party_member")
    exclude = ("id_number",)
    readonly_fields = ("masked_id",)


admin.site.register(Relative)
