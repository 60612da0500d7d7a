"""Pure rules of the voting stage (no Django): the results engine (``results``), the voter roll and its import
(``voters``), proxies and stations (``stations``), tallies entered twice (``tally``), and the checks of the
``voting`` and ``counting`` gates (``gates``)."""

from .results import *  # noqa: F403
