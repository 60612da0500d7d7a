from django.apps import AppConfig


class VettingConfig(AppConfig):
    name = "vetting"
    verbose_name = "资格审查与公示"
    default_auto_field = "django.db.models.BigAutoField"
