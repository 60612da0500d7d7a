"""What the later apps add to the elections app's pages, registered in their ``AppConfig.ready()``.

Like the stage-gate registry, this keeps imports flowing one way: the election page shows the tabs that
``candidates`` (or later apps) registered, and ``elections.urls`` serves the pages they registered at the
site root, without ``elections`` importing them.

* A **tab** of the election page has a code (``?tab=<code>``), a label, a template included in the page,
  and a ``build(request, election, bound)`` function returning the template's context, or a response
  (an Excel export). ``bound`` holds forms that failed validation, keyed by name, so a refused POST
  re-renders the tab with its field errors.
* **Root pages**: URL patterns served at ``/`` next to the elections app's own (``/incumbents/`` …).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern


@dataclass(frozen=True)
class ElectionTab:
    code: str
    label: Any  # a lazy translation
    template: str
    build: Callable[[Any, Any, dict[str, Any]], dict[str, Any] | Any]
    bodies: frozenset[str] | None = None
    order: int = 50

    def applies(self, election: Any) -> bool:
        return self.bodies is None or election.body in self.bodies


_TABS: dict[str, ElectionTab] = {}

# Included at the site root by elections.urls; a list object shared by reference, so patterns registered
# before the first request are served whatever the import order.
urlpatterns: list[URLPattern] = []


def register_tab(
    code: str,
    label: Any,
    template: str,
    build: Callable[[Any, Any, dict[str, Any]], Any],
    *,
    bodies: Iterable[str] | None = None,
    order: int = 50,
) -> ElectionTab:
    tab = ElectionTab(code, label, template, build, frozenset(bodies) if bodies is not None else None, order)
    _TABS[code] = tab
    return tab


def tabs_for(election: Any) -> list[ElectionTab]:
    return sorted((t for t in _TABS.values() if t.applies(election)), key=lambda t: (t.order, t.code))


def register_urls(patterns: Iterable[URLPattern]) -> None:
    names = {p.name for p in urlpatterns}
    urlpatterns.extend(p for p in patterns if p.name not in names)
