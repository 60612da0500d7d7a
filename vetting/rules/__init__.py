"""Pure rules of the vetting app: review levels and department sign-offs, grounds (不得 / 不宜), publicity,
objections and reports (举报). Plain functions over plain data; no Django."""

from .base import *  # noqa: F403
from .publicity import *  # noqa: F403
from .review import *  # noqa: F403
