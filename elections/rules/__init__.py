"""Pure domain rules of the elections app (no Django, no ORM), split by concern.

``base``: stages, roles, rulebooks, seat plans, dates and reminders; ``preparation``: the gates of the
preparation stage that the elections app owns (rulebook adoption, party request, rectification).
"""

from .base import *  # noqa: F403
from .preparation import *  # noqa: F403
