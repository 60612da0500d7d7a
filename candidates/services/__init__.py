"""Every write of the candidates app: keyword-only, atomic, permission-checked, one event per change.

``people``: persons and near-relative links; ``preparation``: incumbents, audits, talks and the
residents' election committee (including the withdrawal of a member who is nominated).
"""

from .nomination import *  # noqa: F403
from .people import *  # noqa: F403
from .preparation import *  # noqa: F403
