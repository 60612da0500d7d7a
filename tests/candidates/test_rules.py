"""ID numbers (GB 11643-1999), ages and near relatives: pure, no database."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from candidates import rules


def test_the_standards_own_example():
    info = rules.parse_id_number("11010519491231002X")
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.sex == "female"
    assert info.area == "110105"


def test_lowercase_x_is_accepted_as_X():
    assert rules.parse_id_number("11010519491231002x").number == "11010519491231002X"


def test_surrounding_spaces_are_ignored():
    assert rules.parse_id_number(" 11010519491231002X ").number == "11010519491231002X"


def test_wrong_check_character_names_the_right_one():
    with pytest.raises(rules.InvalidIdNumber, match="最后一位应为 X，现为 3"):
        rules.parse_id_number("110105194912310023")


def test_31_february_is_not_a_date_even_with_a_correct_checksum():
    body = "11010519490231002"
    number = body + rules.check_char(body)  # a correct checksum on an impossible date
    with pytest.raises(rules.InvalidIdNumber, match="1949-02-31 不是真实日期"):
        rules.parse_id_number(number)


def test_29_february_exists_only_in_leap_years():
    leap = "34060320000229001"
    assert rules.parse_id_number(leap + rules.check_char(leap)).birth_date == dt.date(2000, 2, 29)
    common = "34060320010229001"
    with pytest.raises(rules.InvalidIdNumber, match="不是真实日期"):
        rules.parse_id_number(common + rules.check_char(common))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "请填写身份证号码"),
        ("1101051949123100", "应为 18 位，现为 16 位"),
        ("11010519491231002XX", "应为 18 位，现为 19 位"),
        ("1101051949123100AX", "前 17 位必须是数字"),
        ("11010519491231002Y", "最后一位必须是数字或 X"),
        ("01010519491231002X", "地址码无效"),
        ("１１０１０５１９４９１２３１００２Ｘ", "前 17 位必须是数字"),  # full-width digits
    ],
)
def test_malformed_numbers_say_what_is_wrong(raw, message):
    with pytest.raises(rules.InvalidIdNumber, match=message):
        rules.parse_id_number(raw)


def test_birth_in_the_future_is_refused():
    body = "34060320300101001"
    with pytest.raises(rules.InvalidIdNumber, match="晚于今天"):
        rules.parse_id_number(body + rules.check_char(body), today=dt.date(2026, 11, 22))


def test_sex_comes_from_the_seventeenth_digit():
    male = "34060319800517011"
    female = "34060319800517012"
    assert rules.parse_id_number(male + rules.check_char(male)).sex == "male"
    assert rules.parse_id_number(female + rules.check_char(female)).sex == "female"


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2026, 1, 1)),
    st.integers(min_value=0, max_value=999),
    st.integers(min_value=110000, max_value=659999),
)
def test_any_well_formed_number_round_trips(birth, seq, area):
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    info = rules.parse_id_number(body + rules.check_char(body))
    assert info.birth_date == birth
    assert info.sex == ("male" if seq % 2 else "female")


@given(st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_changing_any_single_digit_breaks_the_checksum(position, delta):
    number = "11010519491231002X"
    digits = list(number)
    digits[position] = str((int(digits[position]) + delta) % 10)
    changed = "".join(digits)
    with pytest.raises(rules.InvalidIdNumber):
        rules.parse_id_number(changed)


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (dt.date(2008, 11, 23), dt.date(2026, 11, 22), 17),  # the day before the 18th birthday
        (dt.date(2008, 11, 22), dt.date(2026, 11, 22), 18),  # the birthday itself
        (dt.date(2008, 2, 29), dt.date(2026, 2, 28), 17),  # leap-day births: 1 March in common years
        (dt.date(2008, 2, 29), dt.date(2026, 3, 1), 18),
        (dt.date(1949, 12, 31), dt.date(2026, 11, 22), 76),
    ],
)
def test_age_in_full_years(birth, day, age):
    assert rules.age_on(birth, day) == age


def test_masking_keeps_first_four_and_last_four():
    assert rules.mask_id_number("11010519491231002X") == "1101**********002X"
    assert rules.mask_phone("13812345678") == "138****5678"
    assert rules.mask_id_number("") == ""


@pytest.mark.parametrize(
    ("relation", "inverse"),
    [("spouse", "spouse"), ("parent", "child"), ("child", "parent"), ("sibling", "sibling"),
     ("grandparent", "grandchild"), ("grandchild", "grandparent")],
)
def test_every_relation_has_its_inverse(relation, inverse):
    assert rules.inverse_relation(relation) == inverse
    assert rules.inverse_relation(inverse) == relation


def test_the_six_relations_are_exactly_the_near_relatives():
    assert rules.NEAR_RELATIONS == {"spouse", "parent", "child", "sibling", "grandparent", "grandchild"}


def test_relation_dates_must_be_plausible():
    old, young = dt.date(1950, 1, 1), dt.date(1980, 1, 1)
    assert rules.relation_problem("parent", young, old) is None  # old is young's parent
    assert "早于本人" in rules.relation_problem("parent", old, young)
    assert "晚于本人" in rules.relation_problem("child", young, old)
    assert rules.relation_problem("spouse", old, young) is None
    assert "须为" in rules.relation_problem("cousin", old, young)
