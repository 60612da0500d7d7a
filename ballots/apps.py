from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "ballots"
    verbose_name = "选民与投票"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .views import register_pages

        register_pages()
