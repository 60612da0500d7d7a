from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "人员与候选人"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import permissions  # noqa: F401
        from .notices import register_notices
        from .stage_gates import register_all
        from .views import register_election_pages

        register_all()
        register_election_pages()
        register_notices()
