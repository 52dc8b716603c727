"""Turning what staff really type into one canonical value per cell.

Thirty class teachers fill a roster thirty ways: 一年级 / 1年级 / 1 / 一, (2)班 / 三年级2班,
full-width digits, stray spaces, √ for 是, Excel serial numbers for dates. Each normaliser here
takes one raw cell and returns ``(value, None)`` or ``(None, Invalid)`` saying what is wrong and
how to fix it. The loaders apply them once per distinct value, so 300,000 attendance rows cost
only as many calls as there are different spellings.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from .schema import GRADE_NAMES, WEEKDAY_NAMES

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


@dataclass(frozen=True)
class Invalid:
    """Why a cell could not be understood: ``message`` is the problem, ``fix`` what to do."""

    message: str
    fix: str


def clean_text(value: object, fold: bool = True) -> str:
    """Cell to tidy text: full-width forms to ASCII (NFKC), spaces of every kind trimmed.

    NFKC turns ２０２５ into 2025, （2）into (2), ：into : and the ideographic space into a
    plain one, which every later rule then needs to handle only once. Free text (remarks,
    comments) passes ``fold=False`` so its Chinese punctuation stays as written.
    """
    if value is None or value is pd.NA or value is pd.NaT:  # NaT is a datetime: test it first
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.strftime("%Y-%m-%d %H:%M:%S").removesuffix(" 00:00:00")
    text = unicodedata.normalize("NFKC", str(value)) if fold else str(value)
    text = text.replace("\u200b", "").replace("\ufeff", "")
    text = re.sub(r"\s+", " ", text).strip()
    return _SPACE_BETWEEN_HANZI.sub("", text) if " " in text else text


_SPACE_BETWEEN_HANZI = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")  # 张 小明 -> 张小明


def is_blank(value: object) -> bool:
    return clean_text(value) == ""


def chinese_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 12 → 12 (small numbers as used for grades and classes)."""
    text = text.strip()
    if text.isdecimal():  # not isdigit(): ❶ and ² are "digits" that int() refuses
        return int(text)
    if not text or any(ch not in CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        if (tens and tens not in CN_DIGITS) or (ones and ones not in CN_DIGITS):
            return None
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)
    if len(text) == 1:
        return CN_DIGITS[text]
    return None


_NUMBER = r"(\d{1,2}|[一二三四五六七八九十两]{1,3})"


def parse_grade(value: object) -> tuple[int | None, Invalid | None]:
    """一年级 / 1年级 / 1 / 一 / 三年级2班 -> 3. Primary grades 1 to 6 only."""
    text = clean_text(value).replace(" ", "")
    if not text:
        return None, None
    match = re.fullmatch(r"(?:小学)?" + _NUMBER + r"(?:年级|年|级)?(?:\(?" + _NUMBER + r"\)?班)?", text)
    number = chinese_number(match.group(1)) if match else None
    if number is None:
        return None, Invalid("无法识别的年级", "填写 1 至 6 年级，如“三年级”或“3”")
    if not 1 <= number <= 6:
        return None, Invalid(f"小学没有{number}年级", "填写 1 至 6 年级")
    return number, None


_CLASS_WITH_GRADE = (
    re.compile(_NUMBER + r"(?:年级|年|级)\(?" + _NUMBER + r"\)?班?"),  # 三年级2班, 3年级(2)班
    re.compile(_NUMBER + r"\(" + _NUMBER + r"\)班?"),  # 3(2)班
    re.compile(_NUMBER + r"[-.]" + _NUMBER + r"班?"),  # 3-2, 3.2班
)
_CLASS_ALONE = re.compile(r"\(?" + _NUMBER + r"\)?班?")  # (2)班, 2班, 二班, 2


def parse_class(value: object) -> tuple[tuple[int | None, int] | None, Invalid | None]:
    """2班 / (2)班 / 三年级2班 / 3(2)班 / 2 -> (grade or None, class number).

    A class written with its grade (三年级2班) returns the grade too, so the loader can check it
    against the 年级 column instead of silently trusting one of them.
    """
    text = clean_text(value).replace(" ", "")
    if not text:
        return None, None
    grade = number = None
    for pattern in _CLASS_WITH_GRADE:
        match = pattern.fullmatch(text)
        if match:
            grade, number = chinese_number(match.group(1)), chinese_number(match.group(2))
            break
    else:
        match = _CLASS_ALONE.fullmatch(text)
        number = chinese_number(match.group(1)) if match else None
    if number is None:
        return None, Invalid("无法识别的班级", "填写班号，如“2班”或“2”")
    if not 1 <= number <= 30:
        return None, Invalid(f"班号 {number} 不在 1 至 30 之间", "填写本年级的班号，如“2班”")
    if grade is not None and not 1 <= grade <= 6:
        return None, Invalid(f"小学没有{grade}年级", "班级写成“2班”，年级写在年级列")
    return (grade, number), None


_YES = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "对", "有", "要", "需要", "参加", "同意", "愿意", "☑", "■", "○是"}
_NO = {"否", "n", "no", "false", "0", "×", "✗", "x", "无", "没有", "不", "不是", "不需要", "不参加", "不要", "不同意", "□"}


def parse_yesno(value: object) -> tuple[bool | None, Invalid | None]:
    """是/否/√/×/Y/N/1/0 -> True/False; blank -> None (the loader applies the column's default)."""
    text = clean_text(value).lower().replace(" ", "")
    if not text:
        return None, None
    if text in _YES:
        return True, None
    if text in _NO:
        return False, None
    return None, Invalid("应为“是”或“否”", "填写“是”或“否”（√ 表示是，× 表示否）")


_WEEKDAY_CHARS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_ALL_DAYS = {"每天", "全部", "全周", "都参加", "每日", "全部服务日", "周一至周五", "星期一至星期五", "工作日", "每个服务日", "全选"}


def parse_weekdays(value: object) -> tuple[int, ...] | None:
    """周一,周三,周五 / 一、三、五 / 星期一 星期三 / 1,3,5 / 周一至周五 / 周二-周四 -> (0, 2, 4).

    Returns the sorted weekday numbers (0 = Monday), ``()`` for blank and None when a part cannot
    be read. 每天 and 全部 mean Monday to Friday, the service week of every norm in the seeds.
    """
    text = clean_text(value).replace(" ", ",")
    if not text:
        return ()
    if text in _ALL_DAYS:
        return (0, 1, 2, 3, 4)
    text = re.sub(r"(星期|礼拜|周)", "", text)
    days: set[int] = set()
    for part in re.split(r"[,、;/|，；┋\n]+", text):
        if not part:
            continue
        span = re.fullmatch(r"(\S)(至|到|~|-|—)(\S)", part)
        if span:
            first, last = _weekday_char(span.group(1)), _weekday_char(span.group(3))
            if first is None or last is None or last < first:
                return None
            days.update(range(first, last + 1))
            continue
        single = _weekday_char(part)
        if single is not None:
            days.add(single)
            continue
        # 一三五 or 135 written without separators
        chars = [_weekday_char(ch) for ch in part]
        if len(part) > 1 and all(c is not None for c in chars):
            days.update(chars)  # type: ignore[arg-type]
            continue
        return None
    return tuple(sorted(days))


def _weekday_char(ch: str) -> int | None:
    if ch in _WEEKDAY_CHARS:
        return _WEEKDAY_CHARS[ch]
    if ch.isdecimal() and 1 <= int(ch) <= 7:
        return int(ch) - 1
    return None


def format_weekdays(days: tuple[int, ...] | list[int]) -> str:
    return ",".join(WEEKDAY_NAMES[d] for d in sorted(days))


def parse_weekday_list(value: object) -> tuple[str | None, Invalid | None]:
    """A weekday-list cell to its canonical text ("周一,周三"); blank stays blank."""
    days = parse_weekdays(value)
    if days is None:
        return None, Invalid("无法识别的星期", "写成“周一,周三,周五”，用逗号或顿号分隔")
    return (format_weekdays(days) or None), None


def parse_single_weekday(value: object) -> tuple[str | None, Invalid | None]:
    days = parse_weekdays(value)
    if days is None or len(days) > 1:
        return None, Invalid("应为一个星期几", "只写一天，如“周三”")
    return (WEEKDAY_NAMES[days[0]] if days else None), None


def excel_serial_to_datetime(number: float) -> dt.datetime:
    return _EXCEL_EPOCH + dt.timedelta(days=float(number))


_YEARS = (1900, 2100)  # dates outside these years are typos (0205, 20255) and beyond what pandas can hold


def _checked_stamp(stamp: pd.Timestamp, with_time: bool) -> tuple[pd.Timestamp | None, Invalid | None]:
    """A date within the years the kit plans for, time zone dropped, time kept or cut off."""
    if not _YEARS[0] <= stamp.year <= _YEARS[1]:
        return None, Invalid(f"年份 {stamp.year} 不在 {_YEARS[0]} 至 {_YEARS[1]} 之间", "检查年份，写成 2025-09-01 的形式")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    stamp = stamp.as_unit("ns")
    return (stamp if with_time else stamp.normalize()), None


_DATE_PATTERNS = (
    r"(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?",
    r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})",
)


def parse_datetime(value: object, with_time: bool = True) -> tuple[pd.Timestamp | None, Invalid | None]:
    """Dates as text (2025-09-01, 2025/9/1, 2025年9月1日, 20250901), Excel serials or cell dates.

    Years outside 1900 to 2100 are refused as typos (and pandas could not hold year 1 or 9999).
    """
    if value is pd.NaT:
        return None, None
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return _checked_stamp(pd.Timestamp(value), with_time)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not (isinstance(value, float) and math.isnan(value)):
        if 20000 < value < 80000:  # Excel serial days: 1954 to 2118
            return _checked_stamp(pd.Timestamp(excel_serial_to_datetime(value)).round("s"), with_time)
    text = clean_text(value)
    if not text:
        return None, None
    if re.fullmatch(r"\d{5}(\.\d+)?", text) and 20000 < float(text) < 80000:
        return parse_datetime(float(text), with_time)
    for pattern in _DATE_PATTERNS:
        match = re.match(pattern, text)
        if not match:
            continue
        rest = text[match.end():].strip()
        try:
            stamp = pd.Timestamp(int(match["y"]), int(match["m"]), int(match["d"]))
        except (ValueError, OverflowError):
            return None, Invalid("不存在的日期", "检查年月日，写成 2025-09-01 的形式")
        if rest and with_time:
            clock, invalid = parse_time(rest, allow_seconds=True)
            if invalid:
                return None, Invalid("无法识别的时间", "写成 2025-08-30 21:05 的形式")
            hours, minutes, seconds = (int(p) for p in (clock + ":00").split(":")[:3])
            stamp += pd.Timedelta(hours=hours, minutes=minutes, seconds=seconds)
        elif rest and not re.fullmatch(r"(0{1,2}:00(:00)?|\(?周.\)?|\(?星期.\)?)", rest):
            return None, Invalid("日期后面有多余的内容", "只写日期，如 2025-09-01")
        return _checked_stamp(stamp, with_time=True)
    if re.fullmatch(r"\d{1,2}[-/.月]\d{1,2}日?", text):
        return None, Invalid("日期缺少年份", "写成带年份的 2025-09-01")
    return None, Invalid("无法识别的日期", "写成 2025-09-01 的形式")


def parse_date(value: object) -> tuple[pd.Timestamp | None, Invalid | None]:
    return parse_datetime(value, with_time=False)


def parse_time(value: object, allow_seconds: bool = False) -> tuple[str | None, Invalid | None]:
    """16:30 / 16：30 / 16点30 / 4:30 pm / Excel day fractions / time cells -> "16:30"."""
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if allow_seconds and value.second else "%H:%M"), None
    if value is pd.NaT:
        return None, None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.strftime("%H:%M"), None
    if isinstance(value, float) and 0 <= value < 1:
        minutes = min(round(value * 24 * 60), 23 * 60 + 59)  # 23:59:59.9 must not round to 24:00
        return f"{minutes // 60:02d}:{minutes % 60:02d}", None
    text = clean_text(value).lower().replace(" ", "")
    if not text:
        return None, None
    afternoon = text.startswith("下午") or text.endswith("pm")
    text = re.sub(r"^(上午|下午|晚上)|(am|pm)$", "", text)
    match = re.fullmatch(r"(\d{1,2})(?::|点|时)(\d{1,2})?分?(?::(\d{1,2}))?", text) or re.fullmatch(r"(\d{1,2})(\d{2})()", text)
    if not match:
        return None, Invalid("无法识别的时间", "写成 24 小时制的 17:45")
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    seconds = int(match.group(3)) if match.lastindex and match.lastindex >= 3 and match.group(3) else 0
    if afternoon and hours < 12:
        hours += 12
    if hours > 23 or minutes > 59 or seconds > 59:
        return None, Invalid("时间超出范围", "写成 24 小时制的 17:45")
    if allow_seconds and seconds:
        return f"{hours:02d}:{minutes:02d}:{seconds:02d}", None
    return f"{hours:02d}:{minutes:02d}", None


def parse_code(value: object) -> tuple[str | None, Invalid | None]:
    """Identifiers (学号, 工号, 活动编号): Excel's 2025030201.0 and 2.025e9 become plain digits."""
    if isinstance(value, float) and not math.isnan(value) and value.is_integer():
        return str(int(value)), None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value), None
    # NFKC again once spaces are out: "A´" folds to "A", space, combining accent; without the space
    # the accent would compose differently on the next read and the code would not match itself
    text = unicodedata.normalize("NFKC", clean_text(value).replace(" ", ""))
    if not text:
        return None, None
    if re.fullmatch(r"\d(\.\d+)?e\+?\d+", text, flags=re.IGNORECASE):
        return None, Invalid("编号被 Excel 显示成了科学计数法，后几位可能已丢失",
                             "把该列设为“文本”格式后重新输入完整编号")
    return text.upper() if re.fullmatch(r"[A-Za-z0-9_\-]+", text) else text, None


def parse_int(value: object) -> tuple[int | None, Invalid | None]:
    """30 / 30人 / ３０ / 30.0 -> 30."""
    if isinstance(value, bool):
        return None, Invalid("应为整数", "填写整数，如 30")
    if isinstance(value, int):
        return value, None
    if isinstance(value, float) and not math.isnan(value):
        if value.is_integer():
            return int(value), None
        return None, Invalid("应为整数，不能有小数", "填写整数，如 30")
    text = clean_text(value).replace(" ", "")
    if not text:
        return None, None
    match = re.fullmatch(r"(\d+)(\.0+)?(人|名|个|次|课时|节)?", text)
    if match:
        return int(match.group(1)), None
    number = chinese_number(re.sub(r"(人|名|个|次)$", "", text))
    if number is not None:
        return number, None
    return None, Invalid("应为整数", "填写整数，如 30")


def parse_grade_range(value: object) -> tuple[str | None, Invalid | None]:
    """适用年级: 1-3 / 一至三年级 / 3,4,5 / 3、4年级 / 全部 / 低年级 -> "1,2,3"."""
    text = clean_text(value).replace(" ", "").replace("年级", "").replace("年", "")
    if not text or text in {"全部", "全校", "不限", "所有", "全"}:
        return None if not text else "1,2,3,4,5,6", None
    named = {"低": (1, 2), "低段": (1, 2), "中": (3, 4), "中段": (3, 4), "高": (5, 6), "高段": (5, 6)}
    grades: set[int] = set()
    for part in re.split(r"[,、;/，；]+", text):
        if not part:
            continue
        if part in named:
            grades.update(named[part])
            continue
        span = re.fullmatch(_NUMBER + r"(?:-|~|至|到|—)" + _NUMBER, part)
        if span:
            first, last = chinese_number(span.group(1)), chinese_number(span.group(2))
            if first is None or last is None or not 1 <= first <= last <= 6:
                return None, Invalid("年级范围不对", "写成“1-3”“3,4,5”或“全部”，年级在 1 至 6 之间")
            grades.update(range(first, last + 1))
            continue
        if len(part) > 1 and all("1" <= ch <= "6" for ch in part):
            grades.update(int(ch) for ch in part)  # 345
            continue
        number = chinese_number(part)
        if number is None or not 1 <= number <= 6:
            return None, Invalid("无法识别的适用年级", "写成“1-3”“3,4,5”或“全部”")
        grades.add(number)
    return (",".join(str(g) for g in sorted(grades)) or None), None  # only separators: blank, as for weekdays


def parse_grade_set(text: str) -> frozenset[int]:
    """The canonical "1,2,3" of :func:`parse_grade_range` back to numbers, for planning code."""
    return frozenset(int(part) for part in text.split(",") if part) if text else frozenset(range(1, 7))


_PHONE_NUMBER = re.compile(r"(?<!\d)(?:\+?86)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|[2-9]\d{6,7})(?!\d)")


def parse_phone(value: object) -> tuple[str | None, Invalid | None]:
    """Mobile or landline numbers as people write them: 138 0000 1234, +86..., 13800001234(爸爸).

    Several numbers in one cell (13800001234/13900005678) are all kept, joined with "/"; words
    beside a number (爸爸) are dropped. A cell with no complete number is a problem.
    """
    if isinstance(value, float) and not math.isnan(value) and value.is_integer():
        value = str(int(value))
    text = clean_text(value)
    if not text:
        return None, None
    text = re.sub(r"(?<=\d)[\s-](?=\d)", "", re.sub(r"^(\d{11})\.0$", r"\1", text))
    numbers = [n.replace("-", "") for n in _PHONE_NUMBER.findall(text)]
    leftover = re.sub(r"\D", "", _PHONE_NUMBER.sub("", text))
    if numbers and not leftover:
        return "/".join(numbers), None
    return None, Invalid("电话号码格式不对", "填写 11 位手机号，如 13800001234，或带区号的固定电话")


def grade_name(grade: int) -> str:
    return GRADE_NAMES[grade - 1]


def class_name(grade: int, number: int) -> str:
    """3, 2 -> 三年级2班, the way a notice names a class."""
    return f"{GRADE_NAMES[grade - 1]}{number}班"
