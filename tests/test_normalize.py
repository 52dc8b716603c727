"""What staff type, and what the kit understands by it."""

import pandas as pd
import pytest

from afterschool_lib import normalize as nz


@pytest.mark.parametrize("raw, grade", [
    ("一年级", 1), ("1年级", 1), ("1", 1), ("一", 1), (" ３ ", 3), ("三年级2班", 3), (6.0, 6), ("六年级", 6),
])
def test_grade_spellings(raw, grade):
    assert nz.parse_grade(raw) == (grade, None)


@pytest.mark.parametrize("raw", ["七年级", "初一", "abc", "0"])
def test_grade_rejects_what_is_not_a_primary_grade(raw):
    value, invalid = nz.parse_grade(raw)
    assert value is None and invalid.message and invalid.fix


@pytest.mark.parametrize("raw, parsed", [
    ("2班", (None, 2)), ("(2)班", (None, 2)), ("（2）班", (None, 2)), ("三年级2班", (3, 2)), ("3(2)班", (3, 2)),
    ("2", (None, 2)), ("二班", (None, 2)), ("3-2", (3, 2)), ("三年级二班", (3, 2)), ("十二班", (None, 12)), (2.0, (None, 2)),
])
def test_class_spellings(raw, parsed):
    assert nz.parse_class(raw) == (parsed, None)


@pytest.mark.parametrize("raw, days", [
    ("周一,周三,周五", (0, 2, 4)), ("一、三、五", (0, 2, 4)), ("星期一 星期三", (0, 2)), ("1,3,5", (0, 2, 4)),
    ("周一至周五", (0, 1, 2, 3, 4)), ("周二-周四", (1, 2, 3)), ("每天", (0, 1, 2, 3, 4)), ("", ()),
    ("周一，周三", (0, 2)), ("一三五", (0, 2, 4)), ("周二┋周四", (1, 3)),
])
def test_weekday_lists(raw, days):
    assert nz.parse_weekdays(raw) == days


def test_weekday_list_that_cannot_be_read():
    assert nz.parse_weekdays("周八") is None
    assert nz.parse_weekday_list("下周")[1] is not None


@pytest.mark.parametrize("raw", ["2025-09-01", "2025/9/1", "2025年9月1日", 45901, "45901", "20250901", "2025.9.1"])
def test_dates_as_text_or_excel_serials(raw):
    assert nz.parse_date(raw) == (pd.Timestamp(2025, 9, 1), None)


def test_date_problems_say_what_is_wrong():
    assert nz.parse_date("9月1日")[1].message == "日期缺少年份"
    assert nz.parse_date("2025-02-30")[1].message == "不存在的日期"
    assert nz.parse_date("")[0] is None and nz.parse_date("")[1] is None


def test_datetime_keeps_the_time():
    assert nz.parse_datetime("2016/12/17 14:22:55")[0] == pd.Timestamp(2016, 12, 17, 14, 22, 55)


@pytest.mark.parametrize("raw, text", [("16:30", "16:30"), ("16：30", "16:30"), ("4:30pm", "16:30"), ("16点30", "16:30"), (0.6875, "16:30")])
def test_times(raw, text):
    assert nz.parse_time(raw) == (text, None)


@pytest.mark.parametrize("raw, value", [("是", True), ("√", True), ("Y", True), ("否", False), ("×", False), ("", None)])
def test_yes_no(raw, value):
    assert nz.parse_yesno(raw) == (value, None)


def test_codes_survive_excel():
    assert nz.parse_code(2025030201.0) == ("2025030201", None)
    assert nz.parse_code("２０２５０３０２０１") == ("2025030201", None)
    assert nz.parse_code("a01") == ("A01", None)
    assert nz.parse_code("2.025e9")[1] is not None  # digits already lost: tell the user


@pytest.mark.parametrize("raw, text", [("1-3", "1,2,3"), ("3,4,5", "3,4,5"), ("全部", "1,2,3,4,5,6"), ("一至三年级", "1,2,3"),
                                       ("3、4年级", "3,4"), ("345", "3,4,5"), ("低段", "1,2")])
def test_grade_ranges(raw, text):
    assert nz.parse_grade_range(raw) == (text, None)


def test_phones_and_names():
    assert nz.parse_phone("138 0000 1234") == ("13800001234", None)
    assert nz.parse_phone("+86 138-0000-1234") == ("13800001234", None)
    assert nz.parse_phone("138000012")[1] is not None
    assert nz.clean_text(" 张 小明 ") == "张小明"
    assert nz.clean_text("Tom  Smith") == "Tom Smith"


def test_integers_with_units():
    assert nz.parse_int("30人") == (30, None)
    assert nz.parse_int("３０") == (30, None)
    assert nz.parse_int(30.0) == (30, None)
    assert nz.parse_int(30.5)[1] is not None


def test_free_text_keeps_chinese_punctuation():
    assert nz.clean_text("国庆、中秋调休，上周三课表", fold=False) == "国庆、中秋调休，上周三课表"
    assert nz.clean_text("张　小明", fold=False) == "张小明"


@pytest.mark.parametrize("raw, phone", [("13800001234(爸爸)", "13800001234"), ("13800001234.0", "13800001234"),
                                        ("13800001234/13900005678", "13800001234/13900005678"),
                                        ("爸爸13800001234 妈妈13900005678", "13800001234/13900005678")])
def test_phones_as_parents_write_them(raw, phone):
    assert nz.parse_phone(raw) == (phone, None)
