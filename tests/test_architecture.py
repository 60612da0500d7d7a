"""The shape of the code: one-way imports, pure rules, thin views."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["elections", "candidates", "vetting", "ballots"]
# ballots → vetting → candidates → elections: an app may import only the ones to its right
ALLOWED = {
    "elections": set(),
    "candidates": {"elections"},
    "vetting": {"elections", "candidates"},
    "ballots": {"elections", "candidates", "vetting"},
}


def python_files(app):
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


@pytest.mark.parametrize("app", APPS)
def test_imports_flow_one_way(app):
    offenders = []
    for path in python_files(app):
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top in APPS and top != app and top not in ALLOWED[app]:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


@pytest.mark.parametrize("app", APPS)
def test_rules_modules_are_pure(app):
    path = ROOT / app / "rules.py"
    if not path.exists():
        pytest.skip(f"{app} has no rules yet")
    banned = [m for m in imported_modules(path) if m.split(".")[0] in {"django", "rest_framework", "celery"}]
    assert banned == [], f"{app}/rules.py must not use Django: {banned}"


@pytest.mark.parametrize("name", ["views.py", "api.py"])
@pytest.mark.parametrize("app", APPS)
def test_no_queryset_is_built_in_views(app, name):
    path = ROOT / app / name
    if not path.exists():
        pytest.skip("no such module")
    source = path.read_text(encoding="utf-8")
    assert ".objects." not in source, f"{app}/{name} reads models directly: use a selector"


def test_stage_codes_match_the_contract():
    from elections import rules

    assert rules.STAGE_CODES == ["preparation", "nomination", "vetting", "publicity", "voting", "counting",
                                 "handover", "closed"]
