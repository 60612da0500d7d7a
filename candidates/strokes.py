"""姓氏笔画 order for Chinese personal names, as on formal candidate lists and ballots.

Names are compared character by character. A character is compared first by its stroke count (fewer
first), then by its sequence of stroke classes from the first stroke on, in the order 横 1, 竖 2, 撇 3,
点 4, 折 5 (GB 13000.1 字符集汉字笔顺规范: 提 counts as 横, 竖钩 as 竖, 捺 as 点, every other turning or
hooked stroke as 折). A name that is a prefix of another sorts first.

Pure: standard library only. The data is ``data/strokes.txt`` (sources and licences: ``data/README.md``).
Characters the data cannot fully order are still placed deterministically:

* a character with only a stroke count (rare 通用规范汉字) follows every fully known character with the
  same count;
* a Han character without any data follows all known characters;
* anything else (Latin letters, digits, punctuation) follows all Han characters;

and ties between different characters (人/入/八 share the sequence 34) fall back to the code point, so
two names get the same key only when they are the same name after spaces and middle dots are removed.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

DATA_FILE = Path(__file__).resolve().parent / "data" / "strokes.txt"

UNKNOWN_HAN_STROKES = 1000  # stroke count assumed for a Han character without data
NON_HAN_STROKES = 2000  # ... and for any other character, so that it follows all Han characters

# Middle dots that separate the parts of a transcribed name (阿依古丽·买买提); whitespace goes too.
SEPARATORS = frozenset("\u00b7\u2027\u30fb\u2022\u2219\u22c5\uff65")

_CLASSES = frozenset("12345")

CharKey = tuple[int, int, str, int]


@functools.cache
def _data() -> tuple[dict[str, str], dict[str, int]]:
    """Parse the data file once: (sequences, counts of characters that have a count only)."""
    sequences: dict[str, str] = {}
    counts: dict[str, int] = {}
    with DATA_FILE.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\r\n")
            if not line or line.startswith("#"):
                continue
            char, sep, value = line.partition("\t")
            if len(char) != 1 or not sep or not value:
                raise ValueError(f"{DATA_FILE.name}:{number}: expected '<char>\\t<value>', got {line!r}")
            if value.startswith("="):
                counts[char] = int(value[1:])
            elif set(value) <= _CLASSES:
                sequences[char] = value
            else:
                raise ValueError(f"{DATA_FILE.name}:{number}: bad stroke sequence {value!r}")
    return sequences, counts


def _one_char(char: str) -> str:
    normal = unicodedata.normalize("NFC", char)
    if len(normal) != 1:
        raise ValueError(f"expected one character, got {char!r}")
    return normal


def _is_han(char: str) -> bool:
    name = unicodedata.name(char, "")
    return name.startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")) or char == "\u3007"


def stroke_sequence(char: str) -> str | None:
    """The stroke classes of one character as digits 1–5 (王 → "1121"), or None when unknown."""
    return _data()[0].get(_one_char(char))


def stroke_count(char: str) -> int | None:
    """The number of strokes of one character, or None when unknown."""
    char = _one_char(char)
    sequences, counts = _data()
    sequence = sequences.get(char)
    return len(sequence) if sequence is not None else counts.get(char)


def _char_key(char: str) -> CharKey:
    sequences, counts = _data()
    sequence = sequences.get(char)
    if sequence is not None:
        return (len(sequence), 0, sequence, ord(char))
    if char in counts:
        return (counts[char], 1, "", ord(char))
    if _is_han(char):
        return (UNKNOWN_HAN_STROKES, 0, "", ord(char))
    return (NON_HAN_STROKES, 0, "", ord(char))


def _clean(name: str) -> str:
    name = unicodedata.normalize("NFC", name)
    return "".join(c for c in name if not c.isspace() and c not in SEPARATORS)


def name_key(name: str) -> tuple[CharKey, ...]:
    """Sort key for a personal name in 姓氏笔画 order; spaces and middle dots are ignored."""
    return tuple(_char_key(c) for c in _clean(name))


def sort_names(items: Iterable[T], key: Callable[[T], str] = lambda x: x) -> list[T]:
    """A new list of the items in 姓氏笔画 order of key(item); items with the same name keep their order.

    Names that differ only in spaces or middle dots are put in code-point order of the names as written,
    so the result never depends on the order of the input."""

    def full_key(item: T) -> tuple[tuple[CharKey, ...], str]:
        name = key(item)
        return name_key(name), name

    return sorted(items, key=full_key)


def unknown_characters(names: Iterable[str]) -> set[str]:
    """Characters of the names without a stroke sequence: rare ones with a count only, Han characters
    without data, and non-Han characters (spaces and middle dots are not counted)."""
    sequences = _data()[0]
    return {c for name in names for c in _clean(name) if c not in sequences}
