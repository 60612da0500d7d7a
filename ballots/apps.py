from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "ballots"
    verbose_name = "选民与投票"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
        from .notices import register_notices
        from .stage_gates import register_all
        from .views import register_pages

        register_all()
        register_pages()
        register_notices()
