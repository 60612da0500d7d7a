"""PDF notices: the trimmed CJK faces are embedded, rare characters fall back to the full font,
font preparation is idempotent, and a machine without CJK fonts gets a clear error."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from elections.notices import fonts, render
from tests.conftest import require

TEMPLATE = "elections/notices/notice.html"
# 龘 and 鍾 are in the full Noto Serif CJK SC but not in the 通用规范汉字表 set the faces are trimmed to.
RARE = ["龘", "鍾"]
NAMES = ["王建国", "方丽华", "冯志强", "刘晓梅", "陈秀英", "张龘", "鍾小芳"]


def _context() -> dict:
    return {
        "title": "幸福里社区居民委员会选举结果公告",
        "addressee": "全体居民：",
        "paragraphs": [
            "经选举委员会确认，下列七名同志获得过半数选票，当选为居民委员会成员（按姓氏笔画排序）："
        ],
        "table_header": ["职务", "姓名", "得票数"],
        "table_rows": [["委员", name, str(2000 - i)] for i, name in enumerate(NAMES)],
        "closing": ["特此公告。"],
        "issuer": "幸福里社区居民委员会选举委员会",
        "date": "2026年5月16日",
    }


def _tool(name: str) -> str:
    path = shutil.which(name)
    require(path is not None, f"{name} (poppler-utils) is not installed")
    return str(path)


@pytest.fixture(scope="module")
def prepared():
    require(fonts.system_cjk_font_available(), "no Noto CJK SC font installed (fonts-noto-cjk)")
    results = fonts.prepare_fonts()  # quick when `make install` already did it
    render.reset_cache()
    assert all(r.status in {"built", "up to date"} for r in results), results
    return results


@pytest.fixture(scope="module")
def notice_pdf(prepared, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "notice.pdf"
    path.write_bytes(render.render_template_pdf(TEMPLATE, _context()))
    return path


def test_rare_characters_are_outside_the_trimmed_set():
    # Otherwise the fallback test below would prove nothing.
    charset = fonts.notice_charset()
    assert all(ord(c) not in charset for c in RARE)
    assert ord("王") in charset and ord("，") in charset and ord("○") in charset and ord("A") in charset


def test_charset_covers_tonggui_levels_one_and_two():
    # strokes.txt holds every 通用规范汉字 (8,105) plus a few more; levels 1 and 2 are 6,500.
    hanzi = [p for p in fonts.notice_charset() if 0x3400 <= p <= 0x9FFF or p >= 0x20000]
    assert len(hanzi) >= 8105


def test_notice_text_is_extracted_with_title_and_names_in_order(notice_pdf):
    text = subprocess.run(
        [_tool("pdftotext"), str(notice_pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())
    assert "幸福里社区居民委员会选举结果公告" in flat
    positions = [flat.find(name) for name in NAMES]
    assert all(p >= 0 for p in positions), (positions, flat)
    assert positions == sorted(positions)
    assert "特此公告" in flat and flat.index("特此公告") < flat.index("2026年5月16日")


def test_rare_characters_fall_back_to_the_full_font(notice_pdf):
    text = subprocess.run(
        [_tool("pdftotext"), str(notice_pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for char in RARE:
        assert char in text
    listing = subprocess.run(
        [_tool("pdffonts"), str(notice_pdf)], capture_output=True, text=True, check=True
    ).stdout
    # From the family the stack names, not from whatever fontconfig would pick on its own.
    assert "Noto-Serif-CJK-SC" in listing, listing


def test_trimmed_faces_are_embedded(notice_pdf):
    listing = subprocess.run(
        [_tool("pdffonts"), str(notice_pdf)], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    trimmed = [row for row in rows if "Huanjie-Notice-Serif" in row[0]]
    assert any(row[0].endswith("Huanjie-Notice-Serif") for row in trimmed), listing  # body
    assert any(row[0].endswith("Huanjie-Notice-Serif-Bold") for row in trimmed), listing  # title
    for row in trimmed:
        emb, sub = row[-5], row[-4]
        assert (emb, sub) == ("yes", "yes"), listing


def test_one_page_renders_as_an_image_without_error(notice_pdf, tmp_path):
    subprocess.run(
        [_tool("pdftoppm"), "-png", "-r", "30", "-f", "1", "-l", "1", str(notice_pdf), str(tmp_path / "p")],
        check=True,
    )
    assert list(tmp_path.glob("p*.png"))


def test_user_text_is_escaped_and_no_network_is_fetched(prepared):
    context = _context() | {"title": '<img src="http://192.0.2.1/x.png">公告'}
    pdf = render.render_template_pdf(TEMPLATE, context)
    assert pdf.startswith(b"%PDF")
    # The markup is printed as text, not fetched.
    text = subprocess.run(
        [_tool("pdftotext"), "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "<img" in text


# -- preparation ------------------------------------------------------------------------------------


@pytest.fixture
def small_charset(monkeypatch):
    """A handful of characters so a face builds in a second or two."""
    points = frozenset(ord(c) for c in "选举结果公告特此ABC123，。")
    monkeypatch.setattr(fonts, "notice_charset", lambda: points)
    return points


def test_prepare_fonts_is_idempotent(small_charset, tmp_path, monkeypatch):
    require(
        fonts.locate_system_face("Noto Serif CJK SC", "Regular") is not None,
        "Noto Serif CJK SC is not installed",
    )
    face = fonts.FACES[0]
    first = fonts.prepare_fonts(directory=tmp_path, faces=[face])
    assert [r.status for r in first] == ["built"]
    out = tmp_path / face.filename
    built_at = out.stat().st_mtime_ns

    second = fonts.prepare_fonts(directory=tmp_path, faces=[face])
    assert [r.status for r in second] == ["up to date"]
    assert out.stat().st_mtime_ns == built_at

    from fontTools.ttLib import TTFont

    trimmed = TTFont(str(out))
    assert trimmed["name"].getDebugName(1) == "Huanjie Notice Serif"
    assert set(trimmed.getBestCmap()) == set(small_charset)
    assert [p.family for p in fonts.prepared_faces(tmp_path)] == ["Huanjie Notice Serif"]

    # A different character set, or --force, rebuilds.
    monkeypatch.setattr(fonts, "notice_charset", lambda: small_charset | {ord("公")} | {ord("会")})
    assert [r.status for r in fonts.prepare_fonts(directory=tmp_path, faces=[face])] == ["built"]
    assert [r.status for r in fonts.prepare_fonts(directory=tmp_path, faces=[face], force=True)] == ["built"]


@pytest.fixture
def no_cjk_font(monkeypatch, settings, tmp_path):
    monkeypatch.setattr(fonts, "locate_system_face", lambda family, style: None)
    settings.NOTICE_FONT_DIR = tmp_path / "fonts"
    render.reset_cache()
    yield
    render.reset_cache()


def test_render_without_any_cjk_font_says_so(no_cjk_font):
    with pytest.raises(render.MissingCJKFont) as error:
        render.render_template_pdf(TEMPLATE, _context())
    assert "缺少中文字体" in error.value.message and "Missing CJK font" in error.value.message


def test_prepare_fonts_command_without_cjk_font(no_cjk_font, capsys):
    call_command("prepare_fonts")  # exit 0, but a plain message
    captured = capsys.readouterr()
    assert "缺少中文字体" in captured.err and "Missing CJK font" in captured.err
    assert "缺少源字体 missing" in captured.out

    with pytest.raises(CommandError, match="Missing CJK font"):
        call_command("prepare_fonts", "--require")
    assert not list((fonts.font_dir()).glob("*.otf"))
