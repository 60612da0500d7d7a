"""Reads of the candidates app, scoped to the caller's jurisdiction; no view builds its own queryset.

``base``: people, relatives, incumbents, audits, talks, the residents' election committee;
``nomination``: nominations, 两推 results and the preliminary list, 民主测评, the formal list, structure
previews and the nominee facts the vetting queue shows; ``list_vote``: the residents' representatives' meeting
that votes a residents' committee's formal candidates.
"""

from .base import *  # noqa: F403
from .list_vote import *  # noqa: F403
from .nomination import *  # noqa: F403
