from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ElectionsConfig(AppConfig):
    name = "elections"
    verbose_name = "换届选举"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
        from .stage_gates import register_all
        from .views.handover import register_pages
        from .views.notices import register_pages as register_notice_pages

        register_all()
        register_pages()
        register_notice_pages()
        post_migrate.connect(_sync_presets, sender=self)


def _sync_presets(sender: AppConfig, **kwargs: object) -> None:
    from .presets import sync_presets

    sync_presets(using=kwargs.get("using", "default"))
