"""Gates: voters (to be built)."""


def register() -> None:
    pass
