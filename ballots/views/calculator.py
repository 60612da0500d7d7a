"""Thin page views of the ballots app: parse, call the calculator or a service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_http_methods

from elections import extensions
from elections.errors import ApplicationError
from elections.views import apply_errors

from .. import calculator
from ..forms import CalculatorForm


@login_required
@require_http_methods(["GET", "POST"])
def results_calculator(request: HttpRequest) -> HttpResponse:
    """计票试算: the results engine on figures typed in, for any signed-in user. Records nothing (no row, no
    event), so the result is shown on the same page rather than after a redirect."""
    calculation = None
    if request.method == "POST":
        form = CalculatorForm(request.POST)
        if form.is_valid():
            try:
                calculation = calculator.calculate(**form.arguments())
            except ApplicationError as exc:
                apply_errors(form, exc)
    else:
        form = CalculatorForm(initial={"rulebook": "rc-general", "round": "first", "revote_of": "first"})
    return render(request, "ballots/calculator.html", {"form": form, "calculation": calculation})


def register_pages() -> None:
    """Called from BallotsConfig.ready(): the pages the ballots app serves at the site root."""
    extensions.register_urls([
        path("results/calculator/", results_calculator, name="results-calculator"),
    ])
