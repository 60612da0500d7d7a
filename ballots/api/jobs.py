"""API of the ballots app: jobs (to be built)."""

from typing import Any


def register_routes(router: Any) -> None:
    pass
