"""Pages of the ballots app: stations (to be built)."""


def register_pages() -> None:
    pass
