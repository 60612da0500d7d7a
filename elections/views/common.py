"""Helpers the page views share (elections' and the later apps'): run a form through a service, show its errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext

from ..errors import ApplicationError


def apply_errors(form: forms.Form, exc: ApplicationError) -> None:
    """Show a service's field errors on the form (unknown fields go to the top)."""
    if not exc.errors:
        form.add_error(None, exc.message)
    for field, messages_ in exc.errors.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


def handle_form(request: HttpRequest, form: forms.Form, action: Callable[[dict[str, Any]], Any],
                success: str | Callable[[Any], str]) -> int | None:
    """Run a service with a form's data. None when it succeeded (a success message is queued); otherwise the
    status to re-render the page with: the form then carries the service's field errors, and a message says
    what went wrong (the form may sit far down the page)."""
    if not form.is_valid():
        messages.error(request, gettext("未保存：请按提示修改后重新提交。"))
        return 200
    try:
        result = action(form.cleaned_data)
    except ApplicationError as exc:
        apply_errors(form, exc)
        messages.error(request, _describe(exc))
        return 200
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        messages.error(request, str(exc))
        return 403
    messages.success(request, success(result) if callable(success) else success)
    return None


def tab_url(election: Any, tab: str, anchor: str = "") -> str:
    return f"{reverse('election-detail', args=[election.pk])}?tab={tab}" + (f"#{anchor}" if anchor else "")


def _describe(exc: Exception) -> str:
    if isinstance(exc, ApplicationError):
        details = [m for ms in exc.errors.values() for m in ms]
        return exc.message.rstrip("。") + "：" + "；".join(details) if details else exc.message
    return str(exc)
