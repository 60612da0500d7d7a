"""The voter import without a database: headers, readers, every row's checks (and the fast checker giving exactly
what check_voter gives), duplicates inside the file and against registrations."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots import importer
from ballots.rules import voters as rules
from candidates.rules import check_char
from tests.ballots.import_factories import csv_bytes, xlsx

DAY = dt.date(2030, 1, 10)


def ident(birth: dt.date, seq: int = 123, area: str = "340603") -> str:
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + check_char(body)


def check(rows, day=DAY, min_age=18, max_rows=1000):
    return importer.check_rows(rows, election_day=day, min_age=min_age, max_rows=max_rows)


GOOD = ident(dt.date(1980, 5, 17))
WITH_X = next(ident(dt.date(1980, 1, 1), seq) for seq in range(1000) if ident(dt.date(1980, 1, 1), seq).endswith("X"))

# --------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [
    ["姓名", "身份证号", "居民小组", "户籍类别"],
    ["名字", "身份证号码", "小组", "户籍情况"],
    ["选民姓名", "公民身份号码", "所在小组", "类别"],
    ["姓  名", "证件号码", "组别", "登记类别"],
    [" 姓名 ", "身份证号码（18位）", "*居民小组", "户籍类别："],
    ["姓名", "ＩＤ", "身份证号", "居民小组"],  # fullwidth letters and an extra column are fine
])
def test_header_synonyms_are_recognised(headers):
    match = rules.match_headers(headers)

    assert match.ok
    assert set(match.columns) >= {"name", "id_number", "group"}
    assert match.labels["name"] == rules.clean_text(headers[match.columns["name"]])


def test_headers_in_any_order_with_extra_columns():
    match = rules.match_headers(["序号", "居民小组", "联系电话", "身份证号码", "姓名"])

    assert match.columns == {"group": 1, "id_number": 3, "name": 4}
    assert "category" not in match.columns


def test_missing_columns_name_what_is_missing_and_what_was_found():
    rows = [["序号", "名称", "身份证", "电话"], ["1", "张三", GOOD, "139"]]

    with pytest.raises(importer.ImportFileError) as caught:
        check(rows)

    message = caught.value.message
    assert "缺少必需的列：“姓名”、“居民小组”" in message
    assert "“序号”、“名称”、“身份证”、“电话”" in message
    assert "名字" in message  # the accepted names are listed


def test_a_column_named_twice_is_ambiguous():
    with pytest.raises(importer.ImportFileError) as caught:
        check([["姓名", "身份证号", "身份证号码", "居民小组"], ["张三", GOOD, GOOD, "1组"]])

    assert "有多列表示同一项" in caught.value.message
    assert "“身份证号”、“身份证号码”" in caught.value.message


def test_a_title_row_above_the_header_counts_in_row_numbers():
    rows = [["东关社区选民登记表"], [], ["姓名", "身份证号码", "居民小组"], ["张三", GOOD, "第1组"], ["", "1", "第1组"]]

    checked = check(rows)

    assert checked.header_row == 3
    assert [r for r, _ in checked.good] == [4]
    assert {e["row"] for e in checked.errors} == {5}


def test_a_file_with_nothing_in_it():
    with pytest.raises(importer.ImportFileError, match="文件是空的"):
        check([[], ["", ""]])


def test_too_many_rows_fail_the_file():
    rows = [["姓名", "身份证号", "居民小组"]] + [["张三", GOOD, "1"]] * 11

    with pytest.raises(importer.ImportFileError, match="超过一次导入的上限 10 行"):
        check(rows, max_rows=10)


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------

HEAD = ["姓名", "身份证号码", "居民小组", "户籍类别"]


def errors_of(*rows, day=DAY, min_age=18):
    checked = check([HEAD, *rows], day=day, min_age=min_age)
    return checked, [(e["row"], e["field"], e["message"]) for e in checked.errors]


def test_a_bad_check_character_is_reported_with_row_and_field():
    wrong = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")

    checked, errors = errors_of(["张三", GOOD, "1组", ""], ["李四", wrong, "1组", ""])

    assert [r for r, _ in checked.good] == [2]
    assert errors == [(3, "id_number", f"身份证号码校验位错误：最后一位应为 {GOOD[17]}，现为 {wrong[17]}。")]


def test_seventeen_on_the_day_before_the_eighteenth_birthday_is_refused():
    birth = dt.date(2012, 1, 11)  # 18 on 2030-01-11, the day after the election

    checked, errors = errors_of(["张三", ident(birth), "1组", ""])

    assert checked.good == []
    assert errors == [(2, "id_number", "出生于 2012-01-11，到选举日 2030-01-10 未满 18 周岁（17 周岁），不能登记为选民。")]


def test_eighteen_on_the_birthday_itself_may_vote():
    checked, errors = errors_of(["张三", ident(dt.date(2012, 1, 10)), "1组", ""])

    assert errors == []
    assert checked.good[0][1].birth_date == dt.date(2012, 1, 10)


def test_the_rulebooks_minimum_age_applies():
    _checked, errors = errors_of(["张三", ident(dt.date(2011, 1, 10)), "1组", ""], min_age=20)

    assert errors[0][1] == "id_number" and "未满 20 周岁（19 周岁）" in errors[0][2]


def test_a_missing_group_and_an_unknown_category():
    _checked, errors = errors_of(["张三", GOOD, "", "暂住"])

    assert errors == [
        (2, "group", "居民小组为空。"),
        (2, "category", "户籍类别“暂住”无法识别，应为：户籍在本社区并居住、户在人不在（人户分离）或非本社区户籍（居住一年以上）。"),
    ]


def test_every_problem_of_a_row_is_reported():
    _checked, errors = errors_of(["", "12345", "", "?"])

    assert [f for _r, f, _m in errors] == ["name", "id_number", "group", "category"]


@pytest.mark.parametrize("cell,code", [("", "resident"), ("户在人不在", "registered_absent"), ("人户分离", "registered_absent"),
                                       ("非本社区户籍", "non_registered"), ("户籍在本社区并居住", "resident")])
def test_categories_as_clerks_write_them(cell, code):
    checked, errors = errors_of(["张三", GOOD, "1组", cell])

    assert errors == []
    assert checked.good[0][1].category == code


def test_an_id_number_excel_stored_as_a_number_lost_its_last_digits():
    checked, errors = errors_of(["张三", float(GOOD[:17] + "1"), "1组", ""], ["李四", 3.40603198005171e17, "", ""])

    assert checked.good == []
    assert errors[0][:2] == (2, "id_number")
    assert "被表格软件当作数字保存（显示为 3.40603198005171E+17）" in errors[0][2]
    assert "设为“文本”格式" in errors[0][2]
    # the row's other problems are still reported, and only one message about the number
    assert [(r, f) for r, f, _ in errors[1:]] == [(3, "id_number"), (3, "group")]


def test_scientific_notation_in_a_csv_is_the_same_loss():
    _checked, errors = errors_of(["张三", "3.40603E+17", "1组", ""])

    assert errors[0][1] == "id_number" and "显示为 3.40603E+17" in errors[0][2]


def test_a_short_number_stored_as_a_number_is_simply_too_short():
    _checked, errors = errors_of(["张三", 123456.0, "1组", ""])

    assert errors == [(2, "id_number", "身份证号码应为 18 位，现为 6 位。")]


def test_a_whole_number_group_and_lower_case_x():
    checked, errors = errors_of(["张三", WITH_X.lower(), 3.0, ""])

    assert errors == []
    assert checked.good[0][1].id_number == WITH_X
    assert checked.good[0][1].group == "3"


def test_entirely_empty_rows_are_skipped_but_a_row_with_anything_in_it_is_checked():
    checked, errors = errors_of(["张三", GOOD, "1组", ""], ["", "", "", ""], [None, None, None, None], ["  ", "", "", ""],
                                ["", "", "2组", ""])

    assert checked.rows == 2
    assert {r for r, _f, _m in errors} == {6}


def test_short_rows_are_padded():
    checked, errors = errors_of(["张三", GOOD, "1组"], ["李四"])

    assert [r for r, _ in checked.good] == [2]
    assert {(r, f) for r, f, _ in errors} == {(3, "id_number"), (3, "group")}


def test_text_is_cleaned_as_check_voter_cleans_it():
    checked, errors = errors_of(["张 三\u200b", f" {GOOD} ", "第 1 居民小组", " 户在人不在 "])

    assert errors == []
    data = checked.good[0][1]
    assert (data.name, data.id_number, data.group, data.category) == ("张三", GOOD, "第1居民小组", "registered_absent")


# --------------------------------------------------------------------------------------------
# The fast checker gives exactly what check_voter gives
# --------------------------------------------------------------------------------------------

NAMES = ["张三", "张 三", "Ａ张", "", "  ", "张\u200b三", "欧阳娜娜", "Li Ming", "x" * 51, "张\t三", 12, None, 3.0, "\\张"]
GROUPS = ["1组", "第1居民小组", "", " 2 ", "Ｇ3", "g" * 51, 3.0, 3.5, None, "第１组"]
CATEGORIES = ["", "户在人不在", "人户分离", "非户籍", "resident", "暂住", "  ", None, 1, "户籍在本社区、不在本社区居住"]
BIRTHS = [dt.date(1980, 5, 17), dt.date(2012, 1, 10), dt.date(2012, 1, 11), dt.date(1899, 12, 31),
          dt.date(2000, 2, 29), dt.date(2031, 1, 1)]


def _ids():
    found = []
    for birth in BIRTHS:
        number = ident(birth)
        found += [number, number[:17] + ("1" if number[17] != "1" else "2"), number.lower(), f" {number}",
                  number[:10] + "1332" + number[14:]]
    return found + [WITH_X, WITH_X.lower(), "", "123", "0" + GOOD[1:], "34060319800517123", "3406031980051712345", "34060319800230123X",
                    "３４０６０３１９８００５１７１２３Ｘ", 3.40603198005171e17, 123456]


@pytest.mark.parametrize("day", [DAY, None])
def test_the_fast_checker_matches_check_voter_on_awkward_cells(day):
    checker = rules.VoterChecker(election_day=day, min_age=18)
    for number in _ids():
        for name, group, category in zip(NAMES * 2, GROUPS * 2, CATEGORIES * 2, strict=False):
            got = checker.check(name=name, id_number=number, group=group, category=category)
            expected = rules.check_voter(name=name, id_number=number, group=group, category=category,
                                         election_day=day, min_age=18)
            assert got == expected, (name, number, group, category)


cells = st.one_of(st.text(max_size=20), st.none(), st.integers(), st.floats(allow_nan=False))
digits17 = st.text(alphabet="0123456789", min_size=17, max_size=17)


@st.composite
def id_numbers(draw):
    kind = draw(st.integers(0, 3))
    if kind == 0:
        birth = draw(st.dates(dt.date(1890, 1, 1), dt.date(2035, 1, 1)))
        return ident(birth, draw(st.integers(0, 999)), draw(st.sampled_from(["340603", "110105", "012345"])))
    if kind == 1:
        body = draw(digits17)
        return body + draw(st.sampled_from(list("0123456789Xx")))
    if kind == 2:
        return draw(st.text(alphabet="0123456789Xx ", max_size=20))
    return draw(cells)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(name=cells, number=id_numbers(), group=cells, category=st.one_of(cells, st.sampled_from(list(
    rules.CATEGORY_SYNONYMS))), min_age=st.integers(16, 25))
def test_the_fast_checker_matches_check_voter_everywhere(name, number, group, category, min_age):
    checker = rules.VoterChecker(election_day=DAY, min_age=min_age)

    got = checker.check(name=name, id_number=number, group=group, category=category)
    again = checker.check(name=name, id_number=number, group=group, category=category)  # from its caches

    expected = rules.check_voter(name=name, id_number=number, group=group, category=category, election_day=DAY,
                                 min_age=min_age)
    assert got == expected
    assert again == expected


# --------------------------------------------------------------------------------------------
# Duplicates
# --------------------------------------------------------------------------------------------


def _data(number, name="张三", group="1组"):
    return rules.check_voter(name=name, id_number=number, group=group, election_day=DAY)[0]


def test_in_file_duplicates_keep_the_first_row_and_hold_the_others():
    a, b = ident(dt.date(1980, 1, 1)), ident(dt.date(1981, 1, 1))
    rows = [(2, _data(a)), (3, _data(b)), (4, _data(a, group="2组")), (5, _data(a))]

    keep, held = rules.sort_rows(rows, {}, election_id=1)

    assert [r for r, _ in keep] == [2, 3]
    assert [(h.row, h.kind, h.other) for h in held] == [(4, "in_file", "第 2 行"), (5, "in_file", "第 2 行")]


def test_registered_people_are_held_naming_where():
    here, there, again = ident(dt.date(1980, 1, 1)), ident(dt.date(1981, 1, 1)), ident(dt.date(1982, 1, 1))
    registered = {
        here: rules.Registered(voter_id=7, election_id=1, community="东关社区", group="第2居民小组"),
        there: rules.Registered(voter_id=8, election_id=2, community="西关社区", group="第5居民小组"),
    }
    rows = [(2, _data(here)), (3, _data(there)), (4, _data(again)), (5, _data(there))]

    keep, held = rules.sort_rows(rows, registered, election_id=1)

    assert [r for r, _ in keep] == [4]
    assert [(h.row, h.kind, h.other, h.other_voter_id) for h in held] == [
        (2, "registered_here", "本社区已登记（第2居民小组）", 7),
        (3, "other_community", "西关社区（第5居民小组）", 8),
        (5, "in_file", "第 3 行", None),
    ]


# --------------------------------------------------------------------------------------------
# Readers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_encoding(encoding):
    rows = importer.read_csv(csv_bytes([["张三", GOOD, "第1居民小组", "户在人不在"]], encoding=encoding))

    assert rows == [HEAD, ["张三", GOOD, "第1居民小组", "户在人不在"]]


def test_tab_separated_text():
    rows = importer.read_csv(csv_bytes([["张三", GOOD, "1组", ""]], delimiter="\t"))

    assert rows[1][:3] == ["张三", GOOD, "1组"]


def test_an_undecodable_csv():
    with pytest.raises(importer.ImportFileError, match="无法识别该 CSV 文件的编码"):
        importer.read_csv(b"\xff\xfe\x00\x81\xff" * 3)


def test_xlsx_keeps_leading_empty_rows_so_row_numbers_match():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet["A3"], sheet["B3"], sheet["C3"] = "姓名", "身份证号码", "居民小组"
    sheet["A4"], sheet["B4"], sheet["C4"] = "张三", GOOD, "1组"
    import io

    buffer = io.BytesIO()
    book.save(buffer)

    rows = importer.read_xlsx(buffer.getvalue())

    checked = check(rows)
    assert checked.header_row == 3
    assert [r for r, _ in checked.good] == [4]


def test_xlsx_numbers_come_back_as_numbers():
    rows = importer.read_xlsx(xlsx([["张三", 340603198005171234, 3, ""]]))

    assert isinstance(rows[1][1], float)
    assert rows[1][2] == 3.0


def test_a_broken_xlsx():
    with pytest.raises(importer.ImportFileError, match="无法读取该 Excel 文件"):
        importer.read_xlsx(b"PK\x03\x04 not really a zip")


@pytest.mark.parametrize("name,content,problem", [
    ("名单.xls", b"\xd0\xcf", "不支持旧版 .xls 文件"),
    ("名单.txt", b"abc", "只能导入 .xlsx 或 .csv 文件"),
    ("名单.docx", b"PK\x03\x04", "只能导入 .xlsx 或 .csv 文件"),
    ("名单.xlsx", b"name,id\n", "不是有效的 .xlsx 文件"),
    ("名单.XLSX", b"PK\x03\x04", None),
    ("名单.csv", b"a,b", None),
])
def test_which_files_may_be_imported(name, content, problem):
    found = importer.extension_problem(name, content)

    assert (found is None) if problem is None else (problem in found)


def test_the_template_reads_back_with_its_headers():
    rows = importer.read_xlsx(importer.template_bytes(rows=10))

    header, match = rules.find_header(rows)
    assert header == 0
    assert match.ok and set(match.columns) == {"name", "id_number", "group", "category"}
    with pytest.raises(importer.ImportFileError, match="表头下面没有任何数据"):  # the empty template itself
        check(rows)


def test_template_categories_are_all_recognised():
    assert {rules.category_code(c) for c in importer.TEMPLATE_CATEGORIES} == set(rules.CATEGORY_CODES)


def test_the_fast_path_takes_plain_rows_and_leaves_the_rest_to_check_voter():
    checker = rules.VoterChecker(election_day=DAY, min_age=18)

    assert checker.fast("张三", GOOD, "第1居民小组", "") == _data(GOOD, group="第1居民小组")
    assert checker.fast("张 三", GOOD, "1组", "") is None  # to be cleaned: the general way
    assert checker.fast("张三", WITH_X, "1组", "") is not None
    assert checker.fast("张三", WITH_X.lower(), "1组", "") is None
    assert checker.fast("张三", ident(dt.date(2012, 1, 11)), "1组", "") is None  # too young
    assert checker.fast("张三", GOOD, "", "") is None
