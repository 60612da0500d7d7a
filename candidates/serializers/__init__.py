"""Serializers of the candidates app's API.

``people``: persons and near-relative links; ``preparation``: incumbents, audits, talks and the residents'
election committee; ``nomination``: nominations, 两推 meetings, 民主测评, pledges and the formal list;
``list_vote``: the residents' representatives' meeting that votes a residents' committee's formal candidates.
"""

from .list_vote import *  # noqa: F403
from .nomination import *  # noqa: F403
from .people import *  # noqa: F403
from .preparation import *  # noqa: F403
