"""Every write of the vetting app: keyword-only, atomic, permission- and stage-checked, one event per change.

Configuration (grounds, departments) by the district office; reviews at the three levels and the street's
decision on 不宜 rejections; publicity and objections; reports (举报). Every status change of a nomination
goes through ``candidates.services.nomination_set_outcome``, whose event is then the change's one event.

``base``: helpers and configuration; ``review``: the three levels, batch pass, held decisions; ``publicity``:
publicity, objections and reports."""

from .base import *  # noqa: F403
from .publicity import *  # noqa: F403
from .review import *  # noqa: F403
