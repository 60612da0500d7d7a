"""Helpers of the notice tests (the ``notice_env`` fixture is in tests/conftest.py): poppler (skipped locally
when missing, a failure under CI), a PDF's text, and the ID and phone numbers a public notice must never
show, whole or masked."""

from __future__ import annotations

import shutil
import subprocess

from candidates.rules import mask_id_number, mask_phone
from tests.conftest import require


def tool(name: str) -> str:
    path = shutil.which(name)
    require(path is not None, f"{name} (poppler-utils) is not installed")
    return str(path)


def pdf_text(pdf: bytes) -> str:
    return subprocess.run([tool("pdftotext"), "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def notice_bytes(notice) -> bytes:
    with notice.file.open("rb") as f:
        return f.read()


def assert_no_numbers(text: str, id_numbers=(), phones=()) -> None:
    flat = "".join(text.split())
    for number in id_numbers:
        assert number not in flat and mask_id_number(number) not in flat
    for phone in phones:
        assert phone not in flat and mask_phone(phone) not in flat
