"""Every write of the elections app: keyword-only, atomic, permission-checked, one event per change.

``core``: organisation, campaigns, elections, seat plans, stage moves, reminders; ``preparation``: the
rulebook's adoption, the party request and its reply, rectification of difficult communities.
"""

from .core import *  # noqa: F403
from .core import _require as _require
from .preparation import *  # noqa: F403
