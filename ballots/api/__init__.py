"""Thin API views of the ballots app, one module per area; ``register_routes`` adds their viewsets to the
project's router (config/urls.py) so each module owns its own routes."""

from __future__ import annotations

from typing import Any

from .calculator import results_calculate as results_calculate


def register_routes(router: Any) -> None:
    from . import counting, jobs, stations, voters

    voters.register_routes(router)
    jobs.register_routes(router)
    stations.register_routes(router)
    counting.register_routes(router)
