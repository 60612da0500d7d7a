"""Gates: stations (to be built)."""


def register() -> None:
    pass
