from typing import Any

from django.http import HttpRequest

from . import rules, selectors


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_role_label": rules.ROLE_LABELS.get(user.role, "系统管理员" if user.is_superuser else ""),
        "nav_unread": selectors.unread_count(user=user),
    }
