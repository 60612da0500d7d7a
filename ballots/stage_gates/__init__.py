"""The gates the ballots app owns, registered with the elections app's registry in ready().

``voters``: the voter list published in time, its objections decided, the voluntary-registration floor;
``stations``: mobile boxes staffed; ``counting``: the formal list published in time (voting), every tally
reconciled, results valid, seats filled or the shortfall decided, results announced (counting).
"""

from __future__ import annotations


def register_all() -> None:
    from . import counting, stations, voters

    voters.register()
    stations.register()
    counting.register()
