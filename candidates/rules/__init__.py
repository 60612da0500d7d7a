"""Pure domain rules of the candidates app (no Django, no ORM), split by concern.

``base``: ID numbers, relatives, people, the preparation gates (audits, election committee);
``nomination``: nomination channels, 两推 meetings, margins, the formal list and its structure, and the
gates of the nomination, vetting and publicity stages that this app owns.
"""

from .base import *  # noqa: F403
from .nomination import *  # noqa: F403
