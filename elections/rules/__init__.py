"""Pure domain rules of the elections app (no Django, no ORM), split by concern.

``base``: stages, roles, rulebooks, seat plans, dates and reminders; ``preparation``: the gates of the
preparation stage that the elections app owns (rulebook adoption, party request, rectification);
``handover``: the handover (工作移交) to the new committee, its deadline and the gate that leaves it.
"""

from .base import *  # noqa: F403
from .handover import *  # noqa: F403
from .preparation import *  # noqa: F403
