"""Every write of the candidates app: keyword-only, atomic, permission-checked, one event per change.

``people``: persons and near-relative links; ``preparation``: incumbents, audits, talks and the
residents' election committee (including the withdrawal of a member who is nominated); ``nomination``:
nominations, 两推 meetings, the preliminary list, 递补 and 民主测评; ``candidate_list``: pledges and talks of
nominees, the formal candidate list, its publication and the party list's approval; ``list_vote``: the
residents' representatives' meeting that votes a residents' committee's formal candidates.
"""

from .candidate_list import *  # noqa: F403
from .list_vote import *  # noqa: F403
from .nomination import *  # noqa: F403
from .people import *  # noqa: F403
from .preparation import *  # noqa: F403
