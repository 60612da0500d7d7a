"""Gates: counting (to be built)."""


def register() -> None:
    pass
