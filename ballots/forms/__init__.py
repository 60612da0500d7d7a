"""Forms of the ballots pages, one module per area (calculator, voters, stations, counting)."""

from .calculator import *  # noqa: F403
