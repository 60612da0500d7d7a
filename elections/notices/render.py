"""HTML to PDF for notices: plain data in, bytes out.

``render_pdf`` sets any HTML in the official notice style (``notice.css``) with the trimmed CJK
faces prepared by ``manage.py prepare_fonts``; characters outside them fall back to the full
system CJK font. Without any CJK font it raises ``MissingCJKFont`` rather than printing boxes.
Only ``file:`` and ``data:`` URLs are fetched: notices are rendered on intranets and must not
reach out to the network.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from elections.errors import ApplicationError

from . import fonts

logger = logging.getLogger(__name__)

NOTICE_CSS = Path(__file__).with_name("notice.css")

# One shared font configuration (Pango/fontconfig state): render one document at a time per process.
_lock = threading.Lock()


class MissingCJKFont(ApplicationError):
    """No CJK font on this machine: a Chinese notice would print as empty boxes."""

    status = 503

    def __init__(self) -> None:
        super().__init__(fonts.MISSING_FONT_MESSAGE)


@lru_cache(maxsize=4)
def _setup(stamp: tuple[str, int]) -> tuple[Any, list[Any], Any]:
    """Font configuration, base stylesheets and URL fetcher, built once per set of prepared fonts."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    prepared = fonts.prepared_faces(Path(stamp[0]).parent)
    if not prepared:
        if not fonts.system_cjk_font_available():
            raise MissingCJKFont()
        logger.warning(
            "Trimmed notice fonts are not prepared; PDFs use the full system CJK font (slow). "
            "Run manage.py prepare_fonts."
        )
    font_config = FontConfiguration()
    fetcher = URLFetcher(allowed_protocols=("file", "data"))
    face_rules = "".join(
        f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; font-style: normal; '
        f'src: url("{face.path.resolve().as_uri()}"); }}\n'
        for face in prepared
    )
    sheets = []
    if face_rules:
        sheets.append(CSS(string=face_rules, font_config=font_config, url_fetcher=fetcher))
    sheets.append(CSS(filename=str(NOTICE_CSS), font_config=font_config, url_fetcher=fetcher))
    return font_config, sheets, fetcher


# Drop the cached font configuration while the interpreter is still whole (its finaliser needs it).
atexit.register(_setup.cache_clear)


def reset_cache() -> None:
    """Forget the font set-up (after fonts were prepared or removed in this process)."""
    _setup.cache_clear()


def render_pdf(html: str, *, stylesheets: Iterable[Any] = (), base_url: str | None = None) -> bytes:
    """Render ``html`` as a PDF notice.

    ``stylesheets`` are CSS source strings or ``weasyprint.CSS`` objects, applied after the notice
    style. Text must already be escaped (Django templates do that).
    """
    return render_pdf_pages(html, stylesheets=stylesheets, base_url=base_url)[0]


def render_pdf_pages(html: str, *, stylesheets: Iterable[Any] = (),
                     base_url: str | None = None) -> tuple[bytes, int]:
    """``render_pdf``, also answering the number of pages."""
    from weasyprint import CSS, HTML

    with _lock:
        font_config, base_sheets, fetcher = _setup(fonts.manifest_stamp())
        extra = [
            CSS(string=sheet, font_config=font_config, url_fetcher=fetcher)
            if isinstance(sheet, str)
            else sheet
            for sheet in stylesheets
        ]
        sheets = [*base_sheets, *extra]
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            font_config=font_config, stylesheets=sheets)
        return document.write_pdf(stylesheets=sheets), len(document.pages)


def render_template_pdf(
    template_name: str,
    context: Mapping[str, Any] | None = None,
    *,
    stylesheets: Iterable[Any] = (),
    base_url: str | None = None,
) -> bytes:
    """Render a Django template (autoescaped) and set it as a PDF notice."""
    html = render_to_string(template_name, dict(context or {}))
    return render_pdf(html, stylesheets=stylesheets, base_url=base_url)
