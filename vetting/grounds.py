"""Keep the default grounds (rows without a district) equal to ``rules.DEFAULT_GROUNDS``; run on post_migrate."""

from __future__ import annotations

from . import rules


def sync_default_grounds(using: str = "default") -> int:
    """Create or update every default ground by code; deactivate defaults no longer listed (reviews may
    still cite them, so they are kept). Idempotent: returns the number of defaults."""
    from .models import Ground

    rows = rules.default_ground_rows()
    manager = Ground.objects.using(using)
    for row in rows:
        code = row.pop("code")
        manager.update_or_create(district=None, code=code, defaults={**row, "active": True})
    manager.filter(district__isnull=True).exclude(code__in=[c for c, *_ in rules.DEFAULT_GROUNDS]).update(
        active=False
    )
    return len(rows)
