"""Serializers of the ballots API, one module per area (calculator, voters, stations, counting)."""

from .calculator import *  # noqa: F403
from .calculator import flatten_errors as flatten_errors
