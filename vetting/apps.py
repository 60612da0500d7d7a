from django.apps import AppConfig
from django.db.models.signals import post_migrate


class VettingConfig(AppConfig):
    name = "vetting"
    verbose_name = "资格审查与公示"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
        from .stage_gates import register_all
        from .views import register_election_pages

        register_all()
        register_election_pages()
        post_migrate.connect(_sync_grounds, sender=self)


def _sync_grounds(sender: AppConfig, **kwargs: object) -> None:
    from .grounds import sync_default_grounds

    sync_default_grounds(using=str(kwargs.get("using", "default")))
