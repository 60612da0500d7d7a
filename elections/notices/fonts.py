"""Trimmed CJK fonts for PDF notices.

The system's Noto CJK fonts are collections (.ttc) of tens of thousands of glyphs for five
regions. Embedding them makes every PDF slow to write, so ``prepare_fonts`` cuts the
Simplified Chinese faces down to the characters notices actually use — the 通用规范汉字表
characters, ASCII, CJK punctuation, full-width forms and the form symbols — and saves each
face as its own OpenType file under ``var/fonts/``. Notices list the trimmed face first and
the full system face second, so a rare character in a name is still printed (from the full
font, more slowly) instead of a blank box.

The trimmed faces are renamed ("Huanjie Notice Serif", "Huanjie Notice Sans") so that the
fallback to the system family never resolves to a trimmed file; the copyright and licence
records of the source font are kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess  # noqa: S404 - fc-match with fixed arguments
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

# Raise when the trimming changes, so prepared files are rebuilt.
BUILD_VERSION = 1

MANIFEST = "manifest.json"

SYSTEM_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))

MISSING_FONT_MESSAGE = (
    "缺少中文字体：未找到 Noto Serif CJK SC / Noto Sans CJK SC，PDF 公告无法正确显示汉字。"
    "请安装 fonts-noto-cjk（Debian/Ubuntu: apt-get install fonts-noto-cjk）后运行 manage.py prepare_fonts。\n"
    "Missing CJK font: neither Noto Serif CJK SC nor Noto Sans CJK SC was found, so PDF notices cannot "
    "show Chinese text. Install fonts-noto-cjk and run manage.py prepare_fonts."
)


@dataclass(frozen=True)
class Face:
    """One trimmed face: where it comes from and what it is called in notices."""

    key: str
    system_family: str
    style: str
    family: str
    weight: int
    filename: str


FACES: tuple[Face, ...] = (
    Face(
        "serif-regular",
        "Noto Serif CJK SC",
        "Regular",
        "Huanjie Notice Serif",
        400,
        "huanjie-notice-serif-regular.otf",
    ),
    Face(
        "serif-bold",
        "Noto Serif CJK SC",
        "Bold",
        "Huanjie Notice Serif",
        700,
        "huanjie-notice-serif-bold.otf",
    ),
    Face(
        "sans-regular",
        "Noto Sans CJK SC",
        "Regular",
        "Huanjie Notice Sans",
        400,
        "huanjie-notice-sans-regular.otf",
    ),
    Face("sans-bold", "Noto Sans CJK SC", "Bold", "Huanjie Notice Sans", 700, "huanjie-notice-sans-bold.otf"),
)

# The full system families notices fall back to for characters outside the trimmed set.
FALLBACK_FAMILIES = {"Huanjie Notice Serif": "Noto Serif CJK SC", "Huanjie Notice Sans": "Noto Sans CJK SC"}

# Symbols clerks put in forms and notices beyond the ranges below.
EXTRA_SYMBOLS = "○●◎◇◆□■△▲☐☑☒✓✔✗✘×÷√※★☆→←↑↓№℃‰§¶†‡•…—–·°±≤≥≠∶"

# Ranges (inclusive) kept whole: ASCII, Latin-1 punctuation and letters, general punctuation,
# letter-like symbols and Roman numerals, arrows, mathematical operators, enclosed numbers
# (①…⑳, ⑴…⒇, ⒈…⒛), box drawing and geometric shapes, CJK symbols and punctuation,
# enclosed CJK (㈠…㈩), CJK compatibility (㎡ ㎏), full-width and half-width forms.
KEPT_RANGES = (
    (0x0020, 0x007E),
    (0x00A0, 0x00FF),
    (0x2000, 0x206F),
    (0x2100, 0x218F),
    (0x2190, 0x21FF),
    (0x2200, 0x22FF),
    (0x2460, 0x24FF),
    (0x2500, 0x25FF),
    (0x3000, 0x303F),
    (0x3200, 0x32FF),
    (0x3380, 0x33FF),
    (0xFF00, 0xFFEF),
)


def font_dir() -> Path:
    return Path(getattr(settings, "NOTICE_FONT_DIR", settings.BASE_DIR / "var" / "fonts"))


def _strokes_file() -> Path:
    return Path(settings.BASE_DIR) / "candidates" / "data" / "strokes.txt"


@lru_cache(maxsize=1)
def notice_charset() -> frozenset[int]:
    """Code points kept in the trimmed faces.

    The Chinese characters are those of ``candidates/data/strokes.txt`` — every 通用规范汉字表
    character (levels 1–3, so a superset of levels 1 and 2), one per line before a tab.
    """
    points: set[int] = set()
    with _strokes_file().open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip() or line.startswith("#"):
                continue
            char = line.split("\t", 1)[0]
            if len(char) == 1:
                points.add(ord(char))
    for first, last in KEPT_RANGES:
        points.update(range(first, last + 1))
    points.update(ord(c) for c in EXTRA_SYMBOLS)
    return frozenset(points)


def _charset_digest(points: Iterable[int]) -> str:
    return hashlib.sha256(",".join(map(str, sorted(points))).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SystemFace:
    path: str
    index: int


def _fc_match(family: str, style: str) -> SystemFace | None:
    fc_match = shutil.which("fc-match")
    if not fc_match:
        return None
    try:
        out = subprocess.run(  # noqa: S603 - fixed program, no shell
            [fc_match, "--format=%{file}\n%{index}\n%{family}\n%{style}", f"{family}:style={style}"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.split("\n")
    if len(parts) < 4 or not parts[0]:
        return None
    path, index, families, styles = parts[:4]
    # fc-match always answers with *some* font: accept it only if it is the one asked for.
    if family not in [f.strip() for f in families.split(",")] or style not in [
        s.strip() for s in styles.split(",")
    ]:
        return None
    try:
        return SystemFace(path, int(index or 0))
    except ValueError:
        return None


def _scan(family: str, style: str) -> SystemFace | None:
    """Look for the face in the usual font directories, for machines without fontconfig tools."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    stem = family.replace(" ", "").removesuffix("SC")  # "NotoSerifCJK": file names carry no region
    for root in SYSTEM_FONT_DIRS:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob(f"{stem}*")):
            if path.suffix.lower() not in {".ttc", ".otf", ".ttf"} or style not in path.stem:
                continue
            try:
                fonts = (
                    TTCollection(str(path), lazy=True).fonts
                    if path.suffix == ".ttc"
                    else [TTFont(str(path), lazy=True)]
                )
            except (TTLibError, OSError):
                continue
            for index, font in enumerate(fonts):
                if font["name"].getDebugName(1) == family:
                    return SystemFace(str(path), index)
    return None


def locate_system_face(family: str, style: str) -> SystemFace | None:
    """The installed font file and collection index of ``family`` in ``style``, if any."""
    return _fc_match(family, style) or _scan(family, style)


def system_cjk_font_available() -> bool:
    return any(locate_system_face(family, "Regular") for family in sorted(set(FALLBACK_FAMILIES.values())))


# -- building ---------------------------------------------------------------------------------------


def _rename(font, family: str, style: str) -> None:
    """Give the trimmed face its own names; keep copyright, licence and vendor records."""
    name = font["name"]
    full = f"{family} {style}" if style != "Regular" else family
    postscript = f"{family.replace(' ', '')}-{style}"
    keep = {0, 7, 8, 9, 10, 11, 12, 13, 14}
    name.names = [record for record in name.names if record.nameID in keep]
    records = {
        1: family if style in {"Regular", "Bold"} else f"{family} {style}",
        2: style if style in {"Regular", "Bold"} else "Regular",
        3: f"{postscript};huanjie-trimmed-{BUILD_VERSION}",
        4: full,
        5: f"Version {BUILD_VERSION}; trimmed for Huanjie notices",
        6: postscript,
        16: family,
        17: style,
    }
    for name_id, value in records.items():
        name.setName(value, name_id, 3, 1, 0x409)
        name.setName(value, name_id, 1, 0, 0)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
        top = cff.topDictIndex[0]
        for attr, value in (("FullName", full), ("FamilyName", family)):
            if hasattr(top, attr):
                setattr(top, attr, value)


def build_face(
    source_path: str, source_index: int, out_path: str, family: str, style: str, points: Sequence[int]
) -> None:
    """Trim one face of a font file (or collection) to ``points`` and save it as ``out_path``."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source_path, fontNumber=source_index, lazy=True)
    options = subset.Options()
    # Notices are set horizontally in Simplified Chinese: vertical metrics and the layout tables
    # (regional forms, vertical forms, proportional punctuation) are not needed, and leaving
    # them out halves the file and the time to embed it.
    options.drop_tables += ["VORG", "vhea", "vmtx", "BASE", "GSUB", "GPOS", "GDEF", "JSTF"]
    options.layout_closure = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.ignore_missing_unicodes = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=points)
    subsetter.subset(font)
    _rename(font, family, style)
    tmp = f"{out_path}.tmp{os.getpid()}"
    font.save(tmp)
    font.close()
    os.replace(tmp, out_path)


@dataclass(frozen=True)
class FaceResult:
    face: Face
    status: str  # "built", "up to date" or "missing"
    path: Path | None = None
    source: SystemFace | None = None


def _read_manifest(directory: Path) -> dict:
    try:
        return json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _source_record(source: SystemFace, digest: str) -> dict:
    stat = os.stat(source.path)
    return {
        "source": source.path,
        "index": source.index,
        "source_size": stat.st_size,
        "source_mtime_ns": stat.st_mtime_ns,
        "charset": digest,
        "build_version": BUILD_VERSION,
    }


def prepare_fonts(
    *, directory: Path | None = None, force: bool = False, faces: Sequence[Face] = FACES
) -> list[FaceResult]:
    """Build every trimmed face that is missing or out of date; skip the rest.

    A face whose system font is not installed is reported as ``missing``; nothing is written
    for it. Faces are built in parallel (each takes some seconds).
    """
    directory = directory or font_dir()
    directory.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(directory)
    points = sorted(notice_charset())
    digest = _charset_digest(points)

    results: dict[str, FaceResult] = {}
    todo: list[tuple[Face, SystemFace, dict]] = []
    for face in faces:
        source = locate_system_face(face.system_family, face.style)
        if source is None:
            results[face.key] = FaceResult(face, "missing")
            continue
        record = {**_source_record(source, digest), "family": face.family, "weight": face.weight}
        out = directory / face.filename
        if not force and out.is_file() and manifest.get(face.filename) == record:
            results[face.key] = FaceResult(face, "up to date", out, source)
        else:
            todo.append((face, source, record))

    if todo:
        workers = max(1, min(len(todo), os.cpu_count() or 1))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            jobs = [
                pool.submit(
                    build_face,
                    source.path,
                    source.index,
                    str(directory / face.filename),
                    face.family,
                    face.style,
                    points,
                )
                for face, source, _ in todo
            ]
            for job in jobs:
                job.result()
        for face, source, record in todo:
            manifest[face.filename] = record
            results[face.key] = FaceResult(face, "built", directory / face.filename, source)
        # Forget files of faces that are no longer prepared.
        known = {face.filename for face in faces}
        manifest = {name: rec for name, rec in manifest.items() if name in known}
        tmp = directory / f"{MANIFEST}.tmp{os.getpid()}"
        tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, directory / MANIFEST)

    return [results[face.key] for face in faces]


@dataclass(frozen=True)
class PreparedFace:
    path: Path
    family: str
    weight: int


def prepared_faces(directory: Path | None = None) -> list[PreparedFace]:
    """The trimmed faces recorded in the manifest whose files exist (possibly none)."""
    directory = directory or font_dir()
    faces = []
    for filename, record in sorted(_read_manifest(directory).items()):
        path = directory / filename
        if isinstance(record, dict) and path.is_file() and record.get("build_version") == BUILD_VERSION:
            faces.append(PreparedFace(path, record["family"], int(record["weight"])))
    return faces


def manifest_stamp(directory: Path | None = None) -> tuple[str, int]:
    """Changes whenever the prepared fonts change: a cache key for font set-ups."""
    path = (directory or font_dir()) / MANIFEST
    try:
        return (str(path), path.stat().st_mtime_ns)
    except OSError:
        return (str(path), 0)
