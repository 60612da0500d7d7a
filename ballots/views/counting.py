"""Pages of the ballots app: counting (to be built)."""


def register_pages() -> None:
    pass
