"""姓氏笔画 order (candidates.strokes): pure, no database.

Every expected value below was worked out by hand from the stroke rules (1 横/提, 2 竖/竖钩, 3 撇,
4 点/捺, 5 折), not read back from the data file.
"""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from candidates import strokes

# Hand-checked stroke-class sequences.
HAND_CHECKED = {
    "丁": "12",  # 横, 竖钩 (竖钩 counts as 竖)
    "王": "1121",  # 横 横 竖 提→横
    "刘": "413422",  # 文 4134 + 刂 22
    "李": "1234521",  # 木 1234 + 子 521
    "张": "5153154",  # 弓 515 + 长 3154 (长: 撇 横 竖提 捺)
    "水": "2534",  # 竖钩 横撇 撇 捺
    "小": "234",  # 竖钩 撇 点
    "马": "551",  # 横折 竖折折钩 提
    "万": "153",  # 横 横折钩 撇
    "心": "4544",  # 点 卧钩 点 点
    "韦": "1152",  # 横 横 横折 竖
    "家": "4451353334",  # 宀 445 + 豕 1353334 (弯钩 is 折)
    "黄": "12212512134",  # 龷 1221 + 由 25121 + 八 34
    "德": "332122522114544",  # 彳 332 + 十 12 + 罒 25221 + 一 + 心 4544
}


@pytest.mark.parametrize(("char", "sequence"), HAND_CHECKED.items())
def test_hand_checked_sequences(char, sequence):
    assert strokes.stroke_sequence(char) == sequence
    assert strokes.stroke_count(char) == len(sequence)


def test_counts():
    assert strokes.stroke_count("刘") == 6
    assert strokes.stroke_count("黄") == 11
    assert strokes.stroke_count("德") == 15


def test_a_rare_character_may_have_a_count_but_no_sequence():
    assert strokes.stroke_sequence("淏") is None
    assert strokes.stroke_count("淏") == 11


def test_unknown_and_non_han_characters():
    assert strokes.stroke_sequence("𰻞") is None
    assert strokes.stroke_count("𰻞") is None
    assert strokes.stroke_sequence("A") is None


def test_one_character_only():
    with pytest.raises(ValueError, match="one character"):
        strokes.stroke_sequence("王李")


# Worked out from the counts and sequences in the comments: count first, then stroke by stroke.
SURNAMES_IN_ORDER = [
    "丁",  # 2  12
    "于",  # 3  112
    "万",  # 3  153
    "马",  # 3  551
    "王",  # 4  1121
    "邓",  # 4  5452
    "叶",  # 5  25112   叶/田 agree for four strokes; the fifth decides
    "田",  # 5  25121
    "冯",  # 5  41551
    "吕",  # 6  251251
    "朱",  # 6  311234
    "刘",  # 6  413422  刘/江/许 all start with 点: the second stroke decides
    "江",  # 6  441121
    "许",  # 6  453112
    "孙",  # 6  521234
    "李",  # 7  1234521  李/杨 agree for five strokes (木 + 横折…)
    "杨",  # 7  1234533
    "吴",  # 7  2511134
    "何",  # 7  3212512
    "沈",  # 7  4414535
    "宋",  # 7  4451234
    "张",  # 7  5153154
    "陈",  # 7  5215234
    "林",  # 8  12341234
    "罗",  # 8  25221354
    "周",  # 8  35121251
    "郑",  # 8  43113452
    "赵",  # 9  121213434
    "胡",  # 9  122513511
    "徐",  # 10 3323411234
    "高",  # 10 4125125251
    "郭",  # 10 4125152152
    "唐",  # 10 4135112251
    "黄",  # 11 12212512134
    "曹",  # 11 12512212511
    "梁",  # 11 44153441234
    "彭",  # 12 121251431333
    "董",  # 12 122312511211
    "蒋",  # 12 122412354124
    "韩",  # 12 122511121152
    "程",  # 12 312342511121
    "谢",  # 12 453251113124
]


def test_common_surnames_in_order():
    shuffled = SURNAMES_IN_ORDER[:]
    random.Random(2013).shuffle(shuffled)
    assert shuffled != SURNAMES_IN_ORDER
    assert strokes.sort_names(shuffled) == SURNAMES_IN_ORDER


def test_same_surname_the_second_character_decides():
    # 刚 253422 and 伟 321152 both have 6 strokes; 芳 has 7
    assert strokes.sort_names(["王芳", "王伟", "王刚"]) == ["王刚", "王伟", "王芳"]


def test_a_prefix_sorts_first():
    assert strokes.sort_names(["张三丰", "张三", "张"]) == ["张", "张三", "张三丰"]


def test_compound_surname_is_ordered_by_its_characters():
    # 欧 13453534 (8 strokes) sits between 林 12341234 and 罗 25221354; 阳 (6) before 明 (8)
    names = ["罗文", "欧明", "林海", "欧阳修"]
    assert strokes.sort_names(names) == ["林海", "欧阳修", "欧明", "罗文"]


def test_spaces_and_middle_dots_are_ignored():
    assert strokes.name_key("阿依古丽·买买提") == strokes.name_key("阿依古丽买买提")
    assert strokes.name_key(" 王  芳 ") == strokes.name_key("王芳")
    assert strokes.sort_names(["买买提·艾力", "马丽", "阿依古丽·买买提"]) == [
        "马丽",  # 马 3 strokes
        "买买提·艾力",  # 买 6
        "阿依古丽·买买提",  # 阿 7
    ]


def test_characters_without_data_sort_last_and_deterministically():
    names = ["Wang Fang", "王𰻞", "王博", "王淏", "王清", "王\U0002a6a5", "王龘"]
    # 清 (11, known) < 淏 (11, count only) < 博 (12) < Han without data, by code point < Latin
    expected = ["王清", "王淏", "王博", "王龘", "王\U0002a6a5", "王𰻞", "Wang Fang"]
    assert strokes.stroke_sequence("龘") is None
    assert strokes.sort_names(names) == expected
    assert strokes.sort_names(reversed(names)) == expected


def test_sort_names_with_a_key_is_stable():
    people = [("李四", 1), ("王五", 2), ("李四", 3), ("王五", 4)]
    assert strokes.sort_names(people, key=lambda p: p[0]) == [
        ("王五", 2),
        ("王五", 4),
        ("李四", 1),
        ("李四", 3),
    ]


def test_unknown_characters():
    found = strokes.unknown_characters(["王芳", "欧阳𰻞", "买买提·艾力", "王淏", "Li Na"])
    assert found == {"𰻞", "淏", "L", "i", "N", "a"}


ALPHABET = "王李张刘陈杨黄人入八己已巳淏𰻞龘Ab· "
names_strategy = st.lists(st.text(alphabet=ALPHABET, max_size=4), max_size=12)


@settings(max_examples=200, deadline=None)
@given(names=names_strategy, seed=st.integers())
def test_order_is_total_and_deterministic(names, seed):
    once = strokes.sort_names(names)
    assert strokes.sort_names(once) == once
    permuted = names[:]
    random.Random(seed).shuffle(permuted)
    assert strokes.sort_names(permuted) == once


@given(a=st.text(alphabet=ALPHABET, max_size=4), b=st.text(alphabet=ALPHABET, max_size=4))
def test_different_names_never_tie(a, b):
    def clean(name):
        return name.replace(" ", "").replace("·", "")

    assert (strokes.name_key(a) == strokes.name_key(b)) == (clean(a) == clean(b))


# The 100 most common surnames (by population, mainland China).
TOP_100_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩邓冯曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚"
    "沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常"
)


def test_data_file_names_its_sources_and_covers_common_surnames():
    text = strokes.DATA_FILE.read_text(encoding="utf-8")
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    assert "cnchar-order 3.2.6" in header
    assert "MIT License" in header
    assert "Unihan" in header and "Unicode License" in header
    sequences = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            char, value = line.split("\t")
            sequences[char] = value
    assert len(set(TOP_100_SURNAMES)) == 100
    missing = [c for c in TOP_100_SURNAMES if not set(sequences.get(c, "=")) <= set("12345")]
    assert missing == []
