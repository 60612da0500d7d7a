"""The stage-gate registry.

Apps register gates in ``AppConfig.ready()``; the state machine evaluates whatever is registered, so
``elections`` never imports the later apps. A gate has two halves:

* ``collect(elections) -> {election_id: facts}`` reads what the rule needs for many elections at once,
  in a fixed number of queries (so list pages stay flat as rows grow);
* ``check(facts, rules) -> [Blocker]`` is a pure function from the owning app's ``rules.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .rules import STAGE_CODES, Blocker


@dataclass(frozen=True)
class Gate:
    stage: str
    name: str
    label: str
    collect: Callable[[list[Any]], dict[int, Any]]
    check: Callable[[Any, dict[str, Any]], list[Blocker]]
    bodies: frozenset[str] | None = None
    kinds: frozenset[str] | None = None

    def applies(self, election: Any) -> bool:
        return (self.bodies is None or election.body in self.bodies) and (
            self.kinds is None or election.kind in self.kinds
        )


_REGISTRY: dict[tuple[str, str], Gate] = {}


def register(
    stage: str,
    name: str,
    label: str,
    *,
    collect: Callable[[list[Any]], dict[int, Any]],
    check: Callable[[Any, dict[str, Any]], list[Blocker]],
    bodies: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
) -> Gate:
    if stage not in STAGE_CODES or stage == "closed":
        raise ValueError(f"no gates leave stage {stage!r}")
    gate = Gate(
        stage,
        name,
        label,
        collect,
        check,
        frozenset(bodies) if bodies is not None else None,
        frozenset(kinds) if kinds is not None else None,
    )
    _REGISTRY[(stage, name)] = gate
    return gate


def registered(stage: str | None = None) -> list[Gate]:
    return [g for g in _REGISTRY.values() if stage is None or g.stage == stage]


def evaluate(elections: list[Any]) -> dict[int, list[Blocker]]:
    """Every blocker of every election's current stage; a fixed number of queries per gate."""
    result: dict[int, list[Blocker]] = {e.pk: [] for e in elections}
    by_stage: dict[str, list[Any]] = {}
    for election in elections:
        by_stage.setdefault(election.stage, []).append(election)
    rules_cache = {e.pk: e.effective_rules() for e in elections}
    for stage, group in by_stage.items():
        for gate in registered(stage):
            targets = [e for e in group if gate.applies(e)]
            if not targets:
                continue
            facts = gate.collect(targets)
            for election in targets:
                result[election.pk].extend(gate.check(facts[election.pk], rules_cache[election.pk]))
    return result


def blockers_for(election: Any) -> list[Blocker]:
    return evaluate([election])[election.pk]
