from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def tr(value: object) -> str:
    """Translate a label that comes from the domain's code tables (stage, body, role …)."""
    return gettext(str(value)) if value not in (None, "") else ""
