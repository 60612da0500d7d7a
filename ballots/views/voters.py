"""Pages of the ballots app: voters (to be built)."""


def register_pages() -> None:
    pass
