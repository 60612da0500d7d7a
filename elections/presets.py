"""Keep the preset rulebooks in the database equal to the presets defined in rules.py."""

from __future__ import annotations

from . import rules


def sync_presets(using: str = "default") -> int:
    from .models import Rulebook

    for code, preset in rules.PRESETS.items():
        values, sources = rules.preset_parameters(code)
        Rulebook.objects.using(using).update_or_create(
            code=code,
            defaults={"name": preset["name"], "body": preset["body"], "kind": preset["kind"], "parameters": values,
                      "sources": sources, "is_preset": True, "jurisdiction": None},
        )
    return len(rules.PRESETS)
