"""Every write of the elections app: keyword-only, atomic, permission-checked, one event per change.

``core``: organisation, campaigns, elections, seat plans, stage moves, reminders; ``preparation``: the
rulebook's adoption, the party request and its reply, rectification of difficult communities; ``handover``:
the date the new committee took office, the handover items, a late handover's explanation; ``notices``:
generated documents (PDF), one version each time.
"""

from .core import *  # noqa: F403
from .core import _require as _require
from .handover import *  # noqa: F403
from .notices import *  # noqa: F403
from .preparation import *  # noqa: F403
