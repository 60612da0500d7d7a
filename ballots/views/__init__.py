"""Thin page views of the ballots app, one module per area; each registers its election tab and root pages."""

from __future__ import annotations


def register_pages() -> None:
    """Called from BallotsConfig.ready()."""
    from . import calculator, counting, stations, voter_import, voters

    calculator.register_pages()
    voters.register_pages()
    voter_import.register_pages()
    stations.register_pages()
    counting.register_pages()
