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


RULES = [ROOT / app / "rules.py" for app in APPS if (ROOT / app / "rules.py").exists()] + [
    path for app in APPS for path in sorted((ROOT / app / "rules").glob("*.py"))
]
VIEWS = [ROOT / app / name for app in APPS for name in ("views.py", "api.py") if (ROOT / app / name).exists()] + [
    path for app in APPS for package in ("views", "api") for path in sorted((ROOT / app / package).glob("*.py"))
]


@pytest.mark.parametrize("path", RULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_rules_modules_are_pure(path):
    banned = [m for m in imported_modules(path) if m.split(".")[0] in {"django", "rest_framework", "celery"}]
    assert banned == [], f"{path.relative_to(ROOT)} must not use Django: {banned}"


def test_every_app_keeps_its_rules():
    assert {p.relative_to(ROOT).parts[0] for p in RULES} >= {"elections", "candidates"}


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_queryset_is_built_in_views(path):
    source = path.read_text(encoding="utf-8")
    assert ".objects." not in source, f"{path.parent.name}/{path.name} reads models directly: use a selector"


def test_stage_codes_match_the_contract():
    from elections import rules

    assert rules.STAGE_CODES == ["preparation", "nomination", "vetting", "publicity", "voting", "counting",
                                 "handover", "closed"]
