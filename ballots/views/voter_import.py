"""Pages of the ballots app: voter_import (to be built)."""


def register_pages() -> None:
    pass
