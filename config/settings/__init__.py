"""Settings, read from the environment; one module per concern."""

from .api import *  # noqa: F401,F403
from .base import *  # noqa: F401,F403
from .database import *  # noqa: F401,F403
from .i18n import *  # noqa: F401,F403
from .tasks import *  # noqa: F401,F403
