"""Pure domain rules of the candidates app (no Django, no ORM), split by concern.

``base``: ID numbers, relatives, people, the preparation gates (audits, election committee);
``nomination``: nomination channels, nominee checks, 两推 meetings and 民主测评; ``slate``: margins, the formal
list's structure, and the gates of the nomination, vetting and publicity stages that this app owns;
``list_vote``: the residents' representatives' meeting that votes the formal candidates of a residents'
committee when more nominees were approved than the margin allows.
"""

from .base import *  # noqa: F403
from .list_vote import *  # noqa: F403
from .nomination import *  # noqa: F403
from .slate import *  # noqa: F403
