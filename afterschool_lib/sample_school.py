"""A complete synthetic school, 示例小学, for the 2025-2026学年第一学期: the kit's default data.

Run ``python -m afterschool_lib.sample_school [OUT_DIR]`` (default ``data_templates/sample/``) or
call :func:`generate_sample_school`. Everything comes from ``numpy.random.default_rng`` seeded with
``seed`` (default 2025), one independent stream per file, so the same seed writes byte-identical
files: workbook timestamps are fixed, rows are sorted, nothing depends on the clock or on Python's
string hashing. Every name and phone number is invented; phone numbers all have ``0000`` in digits
4-7 (``1390000xxxx``), valid in format and plainly fake.

What is realistic (so that the notebooks show what a real term looks like)
----------------------------------------------------------------------------
* ``students``: 6 grades x 4 classes of 45-55, about 1,200 students. 学号 is 10 digits:
  入学年份 (4) + 学校代码 "07" (2) + 入学班号 (2) + 班内序号 (2), e.g. 2023070215; transfer
  students (插班生, often 随迁子女) have 序号 61 and up. Names from common surnames weighted by
  frequency and the given-name characters of children born 2014-2020 (repeated names happen, as
  in real schools). 家长姓名 is mostly the father (same surname), sometimes the mother; a 留守儿童's
  contact is a grandparent. Priority groups: 留守儿童 about 4 %, 困难家庭 about 3 %, 随迁子女 about
  12 %. About 3 % of families have two children in different grades (same 家长姓名 + 联系电话,
  same flags).
* ``survey``: about 88 % apply, more in the lower grades and among priority groups; a quarter
  choose only some weekdays; 离校时段 17:00前 / 17:30 / 18:00 (later for younger children);
  午间托管 about 20 %; up to three 志愿 by activity code or, for about a quarter of parents, by
  activity name; 最多社团数 mostly 1. Submissions run 2025-08-25..08-31 with a burst in the first
  two hours after the link was posted (19:00 on the 25th, 抢课) and evening peaks after that.
  趣味篮球, 趣味编程, 机器人 and 少儿舞蹈 are heavily over-subscribed; 围棋 and 剪纸 do not reach
  their 开班最低人数.
* ``activities`` (30 clubs, codes A01..A30), ``rooms`` (24 classrooms, function rooms, outdoor
  courts) and ``staff`` (76 people: 在职教师 T001.., 退休教师 R.., 校外专业人员 W.., 志愿者 V..,
  家长义工 P..) fit together: every club's room exists and is free on its days, every 所需特长 is
  held by someone, and 指定教师 are 工号 of the staff list (one is written as a name instead).
* ``calendar``: the 国庆/中秋 make-up days 2025-09-28 (按周三课表) and 2025-10-11, the 元旦 make-up
  day 2026-01-04 (按周五课表), 秋季运动会 and 期末考试 停课 days, and the last day 放假.
* ``attendance``: one 作业辅导 row per student taking part (the kit's own review and ``da``
  allocation decide who, see :func:`kit_outcome`) per service day they chose, between their
  开始日期 and 退出日期, plus a row per club meeting of the club the kit placed them in; 出勤 about 93 %, 请假 about 5 % (more in December, in spells),
  缺勤 about 2 %; 签退时间 follows each family's 离校时段 and the season's window; 接领人 is
  mostly the same person for a child; 作业完成 on grade 3–6 作业辅导 days present (about 86 %
  完成, some children much less), blank for grades 1 and 2, which have no written homework.
* ``survey`` also records one child leaving on 2025-11-14 (退出日期) and one joining on 2025-10-13
  (开始日期), so fees settle part of a month for each.
* ``expenses``: the spending plan: consumables for three clubs and for homework care, a liability
  insurance, and one line for classroom 水电费 that the kit must refuse.
* ``incidents``: two late pick-ups (matching late 签退时间 in attendance) and one minor injury.
* ``satisfaction``: about 800 parents, 600 students (grades 3-6) and 60 teachers answer five
  questions, skewed positive (parents about 88 %, students about 92 % 满意 or 非常满意), with
  some blanks and about 10 % free-text comments.

The mess it plants (what thirty class teachers and a survey platform really hand in)
-------------------------------------------------------------------------------------
None of it blocks planning: ``students``, ``activities``, ``rooms`` and ``staff`` load without an
error; only warnings and normalisations.

* ``students``: a title row above the header; some classes write 年级 as 3年级 / 3 / 三, and 班级
  as (2)班 / （2）班 / 三年级2班 / 2; one class keeps 学号 and phone numbers as Excel numbers, one
  typed a few in full-width digits; names with a stray trailing space or a space in the middle
  (``王　芳``, aligned by hand); 是否 columns as 是/否, 是/blank or √/blank, 性别 as 男生/女生 in
  one class; two families gave no phone.
* ``survey`` (GB18030 CSV, as Chinese Excel saves it): exactly one student applied twice (the later
  application changes the 志愿 and 服务日), a few grade/class spellings (3年级, 三, (2)班), 服务日
  as 一、三、五 or 周一至周四.
* ``activities`` / ``staff``: 适用年级 as 全部 / 四至六年级 / 一、二年级, 活动日 with 、 or 星期,
  ``25人``; 外聘 and 已通过 for 校外专业人员 and 通过; 可服务日 as 周一至周四.
* Planted problems the kit must report: ``calendar`` leaves 2025-10-11 (调休上课) without 按周几课表,
  so no service that day; ``attendance`` has one record on the 2025-10-01 holiday, one for an
  unknown 学号, one exact duplicate and one for the leaver a week after the 退出日期; ``staff`` has 校外专业人员 待审核 (the 武术 and 编程
  coaches; the 武术 coach is the club's 指定教师) and one 未通过, and four people without 安全培训.
* ``satisfaction``: answers written 很满意, 满意度：满意 or with spaces; a few blanks.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema
from .files import write_bytes_atomic
from .workbooks import workbook_bytes

DEFAULT_SEED = 2025
SCHOOL_NAME = "示例小学"
TERM_NAME = "2025-2026学年第一学期"
TERM_START = dt.date(2025, 9, 1)
TERM_END = dt.date(2026, 1, 23)
SCHOOL_CODE = "07"  # digits 5-6 of every 学号
CLASSES_PER_GRADE = 4
DEFAULT_OUT_DIR = Path(__file__).resolve().parent.parent / "data_templates" / "sample"
SETTINGS_TEMPLATE = Path(__file__).resolve().parent.parent / "data_templates" / schema.SETTINGS_FILE

# Fixed workbook metadata and zip entry times: the same seed must give the same bytes.
_FIXED_TIME = dt.datetime(2025, 8, 20, 9, 0, 0)
_AUTHOR = "示例小学教务处"

# --- names ------------------------------------------------------------------------------------
# Surnames in tiers of falling frequency; a name is drawn with its tier's weight.
_SURNAME_TIERS = (
    (7.0, "王李张刘"),
    (4.0, "陈"),
    (2.5, "杨黄赵吴周"),
    (1.3, "徐孙马朱胡郭何高林罗郑梁"),
    (0.7, "谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"),
    (0.3, "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤"),
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛")
_BOY_CHARS = "子浩宇轩梓睿博文俊泽一辰皓铭昊然宸奕航晨嘉熙锦诺彦霖言沐阳安哲瑞煜明凯乐恒天钰逸骏峻"
_GIRL_CHARS = "梓涵欣怡诗雨可馨依若紫萱思语佳琪晨一安悦彤瑶沐清芷晴汐诺雅婉妍玥梦琳蕊希心宁"
_MAN_CHARS = "伟强磊军勇杰涛斌超明刚鹏辉华亮波峰浩东林国建志海平俊飞晓立新春"
_WOMAN_CHARS = "丽娟敏静燕艳霞芳婷玲红洁琳雪慧颖萍莉晶倩丹梅秀文晓春英"
_GRANDFATHER_NAMES = ("建国", "国强", "德明", "志刚", "永庆", "长林", "保华", "振华", "金山", "福生", "国庆", "建华")
_GRANDMOTHER_NAMES = ("秀英", "桂兰", "凤英", "玉兰", "淑珍", "秀兰", "桂芳", "玉珍", "翠花", "春梅", "素芬", "月娥")
_PARENT_PREFIXES = ("139", "138", "137", "135", "150", "158", "186", "188", "152", "187")
_STAFF_PREFIXES = ("136", "159", "189")

# --- activities: code, name, category, 适用年级 as written, 上限, 最低, 活动日 as written, 场地,
#     指定教师, 所需特长, popularity weight, boys' preference factor (girls get its inverse) ----------
_ActivityRow = tuple[str, str, str, str, object, object, str, str, str, str, float, float]
_ACTIVITIES: tuple[_ActivityRow, ...] = (
    ("A01", "趣味篮球", "体育", "3-6", 30, 12, "周二,周四", "篮球场", "W03", "篮球", 10.0, 1.6),
    ("A02", "校园足球", "体育", "2-6", 30, 12, "周一,周三", "足球场", "", "足球", 5.0, 1.8),
    ("A03", "花样跳绳", "体育", "全部", 40, 10, "周三", "操场", "", "跳绳", 3.0, 0.8),
    ("A04", "少儿武术", "体育", "2-6", 30, 10, "星期五", "风雨操场", "W01", "武术", 3.0, 1.3),
    ("A05", "田径", "体育", "3-6", 30, 10, "周一、周四", "操场", "", "田径", 1.5, 1.2),
    ("A06", "乒乓球", "体育", "3-6", 24, 8, "周二", "风雨操场", "", "乒乓球", 4.0, 1.2),
    ("A07", "啦啦操", "体育", "2-5", 30, 10, "周四", "舞蹈室", "", "啦啦操", 2.0, 0.4),
    ("A08", "合唱团", "艺术", "2-6", 40, 15, "周二,周四", "音乐室", "T005", "合唱", 2.5, 0.6),
    ("A09", "少儿舞蹈", "艺术", "1-4", 25, 10, "周一,周三", "舞蹈室", "", "舞蹈", 8.0, 0.25),
    ("A10", "葫芦丝", "艺术", "3-6", 30, 10, "周五", "音乐室", "", "葫芦丝", 1.5, 1.0),
    ("A11", "硬笔书法", "艺术", "1-3", 35, 10, "周一", "书法室", "", "书法", 3.0, 0.9),
    ("A12", "软笔书法", "艺术", "3-6", 30, 10, "周三", "书法室", "R01", "书法", 2.0, 0.9),
    ("A13", "儿童国画", "艺术", "2-6", 30, 10, "周二", "美术室", "", "国画", 3.0, 0.7),
    ("A14", "创意美术", "艺术", "1-3", 30, 10, "周四", "美术室", "", "美术", 4.0, 0.7),
    ("A15", "彩泥泥塑", "艺术", "1-4", 25, 10, "周一", "美术室", "", "泥塑", 3.0, 0.8),
    ("A16", "剪纸", "艺术", "3-6", "25人", 12, "周三", "美术室", "", "剪纸", 0.15, 0.5),
    ("A17", "趣味编程", "科技", "3-6", 30, 12, "周二,周四", "计算机教室", "", "编程", 9.0, 1.4),
    ("A18", "机器人", "科技", "四至六年级", 24, 10, "周一,周三", "创客教室", "W02", "机器人", 8.0, 1.5),
    ("A19", "科学小实验", "科技", "1-4", 30, 10, "周二", "科学实验室", "", "科学", 5.0, 1.1),
    ("A20", "航模", "科技", "4-6", 20, 8, "周四", "科学实验室", "", "航模", 2.0, 1.6),
    ("A21", "经典诵读", "人文", "1-3", 40, 10, "周三", "多功能厅", "", "诵读", 1.5, 0.9),
    ("A22", "小主持人", "人文", "2-5", 25, 10, "周五", "多功能厅", "", "主持", 2.5, 0.6),
    ("A23", "围棋", "人文", "2-6", 30, 12, "周四", "多功能厅", "", "围棋", 0.15, 1.2),
    ("A24", "中国象棋", "人文", "2-6", 30, 10, "周一", "多功能厅", "R03", "象棋", 2.0, 1.5),
    ("A25", "英语绘本", "阅读", "1-3", 30, 10, "周二", "图书室", "", "英语", 3.0, 0.8),
    ("A26", "绘本阅读", "阅读", "一、二年级", 35, 10, "周一,周四", "图书室", "", "阅读", 3.0, 0.9),
    ("A27", "整本书阅读", "阅读", "3-6", 40, 10, "周三,周五", "阅览室", "", "阅读", 2.0, 0.8),
    ("A28", "心灵成长", "心理", "3-6", 25, 8, "周五", "心理辅导室", "", "心理健康", 1.0, 0.8),
    ("A29", "魔方", "其他", "2-6", 30, "", "周二", "创客教室", "", "魔方", 3.0, 1.3),
    ("A30", "创意手工", "其他", "1-3", 30, 10, "周五", "美术室", "", "手工", 3.0, 0.6),
)
_NAME_FOR_TEACHER = "A04"  # the one club whose 指定教师 is written as a name, not a 工号

# --- rooms: name, type, capacity -----------------------------------------------------------------
_FUNCTION_ROOMS = (
    ("音乐室", "功能室", 60), ("美术室", "功能室", 45), ("书法室", "功能室", 48), ("舞蹈室", "功能室", 40),
    ("计算机教室", "功能室", 50), ("创客教室", "功能室", 30), ("科学实验室", "功能室", 48),
    ("图书室", "功能室", 40), ("阅览室", "功能室", 80), ("心理辅导室", "功能室", 25),
    ("多功能厅", "功能室", 150), ("风雨操场", "室内场馆", 120),
    ("篮球场", "室外场地", 60), ("足球场", "室外场地", 100), ("操场", "室外场地", 300),
)

# --- staff who are not serving teachers: 工号, type as written, skills, days, max/week, vetting,
#     training, note --------------------------------------------------------------------------
_OTHER_STAFF = (
    ("R01", "退休教师", "书法", "周三,周五", 2, "通过", "已完成", "原本校语文教师"),
    ("R02", "退休教师", "国画、书法", "周二,周四", 2, "通过", "已完成", "原本校美术教师"),
    ("R03", "退休教师", "象棋", "周一,周四", 2, "通过", "已完成", "区象棋协会会员"),
    ("R04", "退休教师", "阅读、诵读", "周三,周五", 2, "已通过", "已完成", ""),
    ("W01", "校外专业人员", "武术", "周五", 1, "待审核", "未完成", "武术馆教练，资料已提交"),
    ("W02", "外聘", "机器人、编程", "周一,周三", 2, "通过", "已完成", "科技教育机构教师"),
    ("W03", "校外专业人员", "篮球", "周二,周四", 2, "通过", "已完成", "青少年篮球俱乐部教练"),
    ("W04", "校外专业人员", "足球", "周一,周三", 2, "已通过", "已完成", "青少年足球俱乐部教练"),
    ("W05", "外聘", "舞蹈", "周一,周三", 2, "通过", "已完成", "舞蹈培训机构教师"),
    ("W06", "校外专业人员", "编程", "周二,周四", 2, "待审核", "已完成", "无犯罪记录证明待补交"),
    ("W07", "校外专业人员", "航模", "周四", 1, "通过", "已完成", "区青少年宫航模教练"),
    ("W08", "校外专业人员", "主持", "周五", 1, "未通过", "已完成", "资质材料不全"),
    ("V01", "志愿者", "英语、阅读", "周二", 1, "通过", "已完成", "师范大学学生志愿者"),
    ("V02", "志愿者", "科学", "周二,周四", 2, "通过", "已完成", "师范大学学生志愿者"),
    ("V03", "志愿者", "心理健康", "周五", 1, "通过", "未完成", "师范大学心理学专业学生"),
    ("V04", "志愿者", "阅读", "周三", 1, "通过", "已完成", "社区志愿者"),
    ("P01", "家长义工", "阅读", "周一", 1, "通过", "已完成", "二年级家长"),
    ("P02", "家长义工", "手工", "周五", 1, "通过", "未完成", "一年级家长"),
    ("P03", "家长义工", "泥塑、美术", "周一", 1, "通过", "已完成", "三年级家长"),
    ("P04", "家长义工", "", "周四", 1, "待审核", "已完成", "四年级家长，协助值班"),
)
# Serving teachers by subject, numbered T001.. in this order (so T005 is the first 音乐 teacher,
# the 合唱团's 指定教师): (subject, how many, skills handed out in order, then drawn at random)
_TEACHER_SUBJECTS = (
    ("体育", 4, ("篮球、田径", "足球、跳绳", "乒乓球、田径", "跳绳、啦啦操"), ()),
    ("音乐", 3, ("合唱", "舞蹈、合唱", "葫芦丝、合唱"), ()),
    ("美术", 3, ("国画、书法", "美术、泥塑", "美术、手工、剪纸"), ()),
    ("科学", 3, ("科学", "科学、航模", "科学"), ()),
    ("信息技术", 2, ("编程、机器人", "编程"), ()),
    ("道德与法治", 1, ("心理健康",), ()),
    ("英语", 6, ("英语、阅读", "英语"), ("英语", "英语、阅读", "英语、主持")),
    ("语文", 18, ("心理健康、阅读", "诵读、主持"), ("阅读", "诵读", "书法", "主持", "阅读、诵读", "", "", "书法、阅读")),
    ("数学", 16, ("围棋", "象棋"), ("", "", "", "魔方", "围棋", "象棋", "科学")),
)
SUBJECT = "任教学科"  # an extra column of the staff list, carried along by the loader

# --- calendar -------------------------------------------------------------------------------------
_CALENDAR = (
    ("2025-09-28", "调休上课", "周三", "国庆、中秋调休，上周三课表"),
    ("2025-10-11", "调休上课", "", "国庆、中秋调休（课表待定）"),
    ("2025-10-24", "停课", "", "秋季运动会，课后服务暂停"),
    ("2026-01-04", "调休上课", "周五", "元旦调休，上周五课表"),
    ("2026-01-21", "停课", "", "期末考试，课后服务暂停"),
    ("2026-01-22", "停课", "", "期末考试，课后服务暂停"),
    ("2026-01-23", "放假", "", "休业式后放寒假"),
)

# --- satisfaction ---------------------------------------------------------------------------------
SATISFACTION_QUESTIONS = ("作业辅导满意度", "社团活动满意度", "服务时间满意度", "安全管理满意度", "总体满意度")
_SATISFACTION_SHARES = {  # 非常满意, 满意, 一般, 不满意, 非常不满意
    "家长": (0.50, 0.38, 0.09, 0.02, 0.01),
    "学生": (0.60, 0.32, 0.06, 0.015, 0.005),
    "教师": (0.42, 0.44, 0.11, 0.02, 0.01),
}
_COMMENTS = {
    "家长": (
        "希望增加体育类社团", "放学时间能否延后到18:30", "作业辅导效果很好，孩子回家轻松多了", "希望篮球社团多开一个班",
        "孩子很喜欢编程课，希望下学期继续", "建议冬季提前一点结束，天黑得早", "老师很负责，辛苦了", "希望每周能有一次户外活动",
        "社团报名太抢了，希望按年级分批报名", "希望能公布每天的活动安排", "孩子作业在学校基本能写完，很满意",
        "建议作业辅导时多关注书写习惯", "周五能否也开放社团", "收费标准清楚，按月结算很方便", "希望增加科技类社团名额",
        "接孩子时校门口有点拥堵，希望错峰放学", "孩子说舞蹈课很开心", "希望多开展阅读活动", "没有意见，感谢学校",
        "建议增加午间托管的名额", "希望外聘老师能稳定一些，不要经常换人", "孩子没抽到想去的社团，有点失望",
    ),
    "学生": (
        "想多打一会儿篮球", "希望有更多的手工课", "作业辅导时老师讲得很清楚", "希望社团课能多一些",
        "想学机器人", "阅读课的书很好看", "希望能自己选社团", "老师很好", "希望下学期还能参加合唱团",
    ),
    "教师": (
        "建议合理安排值班轮次，减轻班主任负担", "社团场地有时冲突，希望统一协调", "希望增加课后服务培训",
        "作业辅导分组后效率提高了", "建议外聘人员提前熟悉学校安全制度", "补助发放希望更及时",
    ),
}

# --- attendance -----------------------------------------------------------------------------------
_PICKERS = ("妈妈", "爸爸", "奶奶", "爷爷", "外婆", "外公")
_PICKER_SHARES = (0.40, 0.22, 0.14, 0.10, 0.09, 0.05)
_GRANDPARENT_PICKERS = ("奶奶", "爷爷", "外婆", "外公")
_LEAVE_TIMES = ("17:00前", "17:30", "18:00")
_LEFT_BEHIND_NOTE = "父母在外务工，由祖父母照看"
_UNKNOWN_STUDENT = "2024079901"  # a 学号 that is on no roster, planted in attendance


def _rng(seed: int, part: str) -> np.random.Generator:
    """An independent random stream per file, so a change to one file leaves the others alone."""
    return np.random.default_rng([seed, zlib.crc32(part.encode("utf-8"))])


def _pick(rng: np.random.Generator, options: Sequence, weights: Sequence[float] | None = None):
    """One element of ``options`` (weights need not sum to one)."""
    if weights is None:
        return options[int(rng.integers(len(options)))]
    p = np.asarray(weights, dtype=float)
    return options[int(rng.choice(len(options), p=p / p.sum()))]


# =================================================================================================
# The school as it really is (clean, canonical values), from which every file is written
# =================================================================================================


@dataclass(frozen=True)
class Activity:
    code: str
    name: str
    category: str
    grades_text: str
    capacity: object
    minimum: object
    days_text: str
    room: str
    teacher: str
    skill: str
    weight: float
    boy_factor: float

    @property
    def grades(self) -> frozenset[int]:
        spans = {"全部": range(1, 7), "四至六年级": range(4, 7), "一、二年级": range(1, 3)}
        if self.grades_text in spans:
            return frozenset(spans[self.grades_text])
        first, last = (int(x) for x in self.grades_text.split("-"))
        return frozenset(range(first, last + 1))

    @property
    def days(self) -> tuple[int, ...]:
        """Weekday numbers (0 = Monday) of the club's meetings."""
        text = self.days_text.replace("星期", "周")
        return tuple(sorted(schema.WEEKDAY_NAMES.index(d) for d in re.split("[,、]", text)))

    @property
    def cap(self) -> int:
        return int(str(self.capacity).rstrip("人"))

    @property
    def min_size(self) -> int:
        return int(self.minimum) if self.minimum != "" else 0


ACTIVITIES = tuple(Activity(*row) for row in _ACTIVITIES)


def _chinese_name(rng: np.random.Generator, surname: str, chars: str, single_share: float) -> str:
    if rng.random() < single_share:
        return surname + _pick(rng, chars)
    first = _pick(rng, chars)
    second = _pick(rng, chars)
    while second == first:
        second = _pick(rng, chars)
    return surname + first + second


def _surname(rng: np.random.Generator) -> str:
    if rng.random() < 0.004:
        return _pick(rng, _COMPOUND_SURNAMES)
    tier = _pick(rng, _SURNAME_TIERS, [w * len(s) for w, s in _SURNAME_TIERS])
    return _pick(rng, tier[1])


def _phone_numbers(rng: np.random.Generator, count: int, prefixes: Sequence[str]) -> list[str]:
    """``count`` distinct fake mobiles: prefix + 0000 + four digits."""
    pool = [f"{p}0000{n:04d}" for p in prefixes for n in range(10000)]
    picks = rng.choice(len(pool), size=count, replace=False)
    return [pool[int(i)] for i in picks]


def make_students(seed: int) -> pd.DataFrame:
    """The roster as it truly is: one row per student, canonical values, grade and class as ints.

    Extra columns: ``family`` (shared by siblings), ``picker`` (who usually collects the child),
    ``transfer`` (插班生).
    """
    rng = _rng(seed, "students")
    rows = []
    for grade in range(1, 7):
        year = TERM_START.year + 1 - grade
        for number in range(1, CLASSES_PER_GRADE + 1):
            size = int(rng.integers(45, 56))
            transfers = 0 if grade == 1 else int(rng.integers(0, 4))
            for seq in [*range(1, size - transfers + 1), *range(61, 61 + transfers)]:
                transfer = seq > 60
                gender = "男" if rng.random() < 0.52 else "女"
                surname = _surname(rng)
                name = _chinese_name(rng, surname, _BOY_CHARS if gender == "男" else _GIRL_CHARS, 0.12)
                migrant = rng.random() < (0.6 if transfer else 0.11)
                left_behind = not migrant and rng.random() < 0.046
                hardship = rng.random() < (0.12 if left_behind else 0.021)
                remark = ""
                if left_behind:
                    grandfather = rng.random() < 0.5
                    parent = surname + _pick(rng, _GRANDFATHER_NAMES if grandfather else _GRANDMOTHER_NAMES)
                    if not grandfather:
                        parent = _surname(rng) + parent[len(surname):]
                    picker = "爷爷" if grandfather else "奶奶"
                    remark = _LEFT_BEHIND_NOTE
                elif rng.random() < 0.78:
                    parent = _chinese_name(rng, surname, _MAN_CHARS, 0.35)
                    picker = _pick(rng, _PICKERS, _PICKER_SHARES)
                else:
                    parent = _chinese_name(rng, _surname(rng), _WOMAN_CHARS, 0.35)
                    picker = _pick(rng, _PICKERS, _PICKER_SHARES)
                if transfer:
                    remark = remark or "本学期插班"
                elif not remark and rng.random() < 0.015:
                    remark = _pick(rng, ("花生过敏", "有哮喘，避免剧烈运动", "近视，请安排前排", "左手骨折恢复中"))
                rows.append({
                    schema.STUDENT_ID: f"{year}{SCHOOL_CODE}{number:02d}{seq:02d}",
                    schema.NAME: name, schema.GENDER: gender, schema.GRADE: grade, schema.CLASS: number,
                    schema.PARENT_NAME: parent, schema.PHONE: "",
                    schema.LEFT_BEHIND: left_behind, schema.HARDSHIP: hardship, schema.MIGRANT: migrant,
                    schema.REMARK: remark, "family": len(rows), "picker": picker, "transfer": transfer,
                })
    students = pd.DataFrame(rows)
    students[schema.PHONE] = _phone_numbers(rng, len(students), _PARENT_PREFIXES)
    return _add_siblings(students, rng)


def _add_siblings(students: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Make about 3 % of families two-child families: the younger child takes the older one's
    surname, parent, phone, priority flags and usual collector."""
    students = students.copy()
    pairs = round(0.03 * len(students))
    taken: set[int] = set()
    older_pool = students.index[students[schema.GRADE] >= 3].to_numpy()
    inherited = [schema.PARENT_NAME, schema.PHONE, schema.LEFT_BEHIND, schema.HARDSHIP, schema.MIGRANT,
                 "family", "picker"]
    while pairs:
        older = int(rng.choice(older_pool))
        older_grade = int(students.at[older, schema.GRADE])
        younger_pool = students.index[students[schema.GRADE] < older_grade].to_numpy()
        younger = int(rng.choice(younger_pool))
        if older in taken or younger in taken:
            continue
        taken.update((older, younger))
        old_surname = _surname_of(students.at[older, schema.NAME])
        young_name = students.at[younger, schema.NAME]
        students.at[younger, schema.NAME] = old_surname + young_name[len(_surname_of(young_name)):]
        for column in inherited:
            students.at[younger, column] = students.at[older, column]
        if students.at[older, schema.LEFT_BEHIND] or students.at[younger, schema.REMARK] == _LEFT_BEHIND_NOTE:
            students.at[younger, schema.REMARK] = students.at[older, schema.REMARK]
        pairs -= 1
    return students


def _surname_of(name: str) -> str:
    return name[:2] if name[:2] in _COMPOUND_SURNAMES else name[:1]


def make_applications(students: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The parents' applications as submitted, canonical values, in submission order.

    One row per submission (the planted second submission included); students whose parents did
    not answer have no row. Extra column ``days`` holds the chosen weekday numbers.
    """
    rng = _rng(seed, "survey")
    join_share = {1: 0.94, 2: 0.92, 3: 0.89, 4: 0.86, 5: 0.82, 6: 0.77}
    rows = []
    for student in students.itertuples(index=False):
        record = student._asdict()
        grade = record[schema.GRADE]
        priority = record[schema.LEFT_BEHIND] or record[schema.HARDSHIP] or record[schema.MIGRANT]
        joins = rng.random() < (0.98 if priority else join_share[grade])
        if not joins and rng.random() < 0.4:
            continue  # never answered the survey
        row = {schema.STUDENT_ID: record[schema.STUDENT_ID], schema.NAME: record[schema.NAME],
               schema.GRADE: grade, schema.CLASS: record[schema.CLASS], schema.JOIN: joins,
               schema.WEEKDAYS_COL: "", schema.LEAVE_TIME: "", schema.NOON_CARE: False,
               schema.MAX_CLUBS: "", "days": (0, 1, 2, 3, 4)}
        row.update(dict.fromkeys(schema.CHOICES, ""))
        if joins:
            row.update(_application_choices(rng, grade, record[schema.GENDER]))
        rows.append(row)
    applications = pd.DataFrame(rows)
    applications[schema.SUBMITTED_AT] = _submission_times(rng, len(applications))
    applications = _add_second_submission(applications, rng, students)
    return applications.sort_values([schema.SUBMITTED_AT, schema.STUDENT_ID], kind="stable").reset_index(drop=True)


_DAY_OPTIONS = (  # (as written, weekday numbers, weight)
    ("周一,周三,周五", (0, 2, 4), 3), ("周二,周四", (1, 3), 2), ("周一,周二,周三,周四", (0, 1, 2, 3), 3),
    ("周一至周四", (0, 1, 2, 3), 2), ("一、三、五", (0, 2, 4), 1), ("周一,周二,周四,周五", (0, 1, 3, 4), 1),
    ("周三,周五", (2, 4), 1),
)


def _application_choices(rng: np.random.Generator, grade: int, gender: str) -> dict:
    """What one applying family chose: days, leaving time, noon care, up to three clubs."""
    out: dict = {}
    if rng.random() < 0.30:
        text, days, _ = _pick(rng, _DAY_OPTIONS, [w for *_, w in _DAY_OPTIONS])
        out[schema.WEEKDAYS_COL], out["days"] = text, days
    late = 0.30 + 0.05 * (6 - grade)  # the younger the child, the later they are collected
    out[schema.LEAVE_TIME] = _pick(rng, _LEAVE_TIMES, (0.22, 0.78 - late, late))
    out[schema.NOON_CARE] = rng.random() < 0.20
    eligible = [a for a in ACTIVITIES if grade in a.grades]
    weights = np.array([a.weight * (a.boy_factor if gender == "男" else 1 / a.boy_factor) for a in eligible])
    wanted = _pick(rng, (0, 1, 2, 3), (0.12, 0.18, 0.28, 0.42))
    by_name = rng.random() < 0.25
    picks = rng.choice(len(eligible), size=wanted, replace=False, p=weights / weights.sum()) if wanted else []
    for column, index in zip(schema.CHOICES, picks):
        activity = eligible[int(index)]
        out[column] = activity.name if by_name else activity.code
    if wanted >= 2 and rng.random() < 0.18:
        out[schema.MAX_CLUBS] = 2
    elif rng.random() < 0.5:
        out[schema.MAX_CLUBS] = 1  # the rest leave it blank, which means 1
    return out


def _submission_times(rng: np.random.Generator, count: int) -> list[dt.datetime]:
    """Submission times: a burst from 19:00 on 25 August, then evening peaks until the 31st."""
    link_posted = dt.datetime(2025, 8, 25, 19, 0, 0)
    day_weights = (0.24, 0.19, 0.15, 0.12, 0.10, 0.20)  # 26th..31st (a reminder on the last day)
    hour_weights = np.array([1, 1, 2, 3, 3, 3, 2, 2, 3, 3, 4, 4, 6, 9, 10, 8, 5], dtype=float)  # 07..23
    times = []
    for _ in range(count):
        if rng.random() < 0.38:
            seconds = min(rng.exponential(1500.0), 5 * 3600 - 1)
            times.append(link_posted + dt.timedelta(seconds=int(seconds)))
            continue
        day = dt.datetime(2025, 8, 26) + dt.timedelta(days=int(rng.choice(6, p=np.array(day_weights) / sum(day_weights))))
        hour = 7 + int(rng.choice(len(hour_weights), p=hour_weights / hour_weights.sum()))
        times.append(day + dt.timedelta(hours=hour, seconds=int(rng.integers(3600))))
    return times


def _add_second_submission(applications: pd.DataFrame, rng: np.random.Generator, students: pd.DataFrame) -> pd.DataFrame:
    """One family submits again two days later and changes its clubs and days (exactly one)."""
    candidates = applications[applications[schema.JOIN] & (applications[schema.CHOICE_1] != "")
                              & (applications[schema.SUBMITTED_AT] < dt.datetime(2025, 8, 28))]
    first = candidates.iloc[int(rng.integers(len(candidates)))]
    grade = int(first[schema.GRADE])
    gender = students.loc[students[schema.STUDENT_ID] == first[schema.STUDENT_ID], schema.GENDER].iloc[0]
    again = first.copy()
    changes = _application_choices(rng, grade, gender)
    while changes[schema.CHOICE_1] in ("", first[schema.CHOICE_1]):
        changes = _application_choices(rng, grade, gender)
    changes[schema.WEEKDAYS_COL], changes["days"] = "周一,周二,周四,周五", (0, 1, 3, 4)
    for column, value in changes.items():
        again[column] = value
    again[schema.SUBMITTED_AT] = first[schema.SUBMITTED_AT] + dt.timedelta(days=2, hours=1, minutes=17)
    return pd.concat([applications, again.to_frame().T], ignore_index=True)


def sibling_requests(applications: pd.DataFrame, students: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Most two-child families that apply for clubs ask to keep the children together (兄弟姐妹同社团).

    Such a family usually lists the elder child's club for the younger one too when the younger
    may join it; one family in the sample asks without any club in common, which the allocation
    must name. Drawn from its own random stream, so the rest of the sample is unchanged.
    """
    rng = _rng(seed, "siblings")
    applications = applications.copy()
    applications[schema.SIBLINGS] = False
    latest = applications.drop_duplicates(schema.STUDENT_ID, keep="last")
    latest = latest[latest[schema.JOIN] & (latest[schema.CHOICE_1] != "")]
    family_of = students.set_index(schema.STUDENT_ID)["family"]
    by_key = {a.code: a for a in ACTIVITIES} | {a.name: a for a in ACTIVITIES}
    families = latest.groupby(latest[schema.STUDENT_ID].map(family_of)).groups
    for _, rows in sorted(families.items()):
        if len(rows) < 2 or rng.random() >= 0.6:
            continue
        older, younger = sorted(rows, key=lambda i: applications.at[i, schema.GRADE], reverse=True)[:2]
        applications.loc[[older, younger], schema.SIBLINGS] = True
        young_grade = int(applications.at[younger, schema.GRADE])
        shared = [v for v in (applications.at[older, c] for c in schema.CHOICES) if v and young_grade in by_key[v].grades]
        mine = [applications.at[younger, c] for c in schema.CHOICES]
        codes = {by_key[v].code for v in mine if v}
        if shared and by_key[shared[0]].code not in codes:
            activity = by_key[shared[0]]
            as_name = bool(mine[0]) and mine[0] == by_key[mine[0]].name
            picks = [activity.name if as_name else activity.code] + [v for v in mine if v][:2]
            for column, value in zip(schema.CHOICES, picks + [""] * 3):
                applications.at[younger, column] = value
    return applications


LEAVER_EXIT = dt.date(2025, 11, 14)     # a family moving away: 退出日期 on a Friday
JOINER_START = dt.date(2025, 10, 13)    # a child joining after the National Day holiday


def enrolment_changes(applications: pd.DataFrame, students: pd.DataFrame, seed: int) -> pd.DataFrame:
    """One child leaving mid-term and one joining mid-term, as the school records them on the
    application (退出日期, 开始日期): fees then settle part of a month for each."""
    rng = _rng(seed, "enrolment changes")
    applications = applications.copy()
    applications[schema.START_DATE] = None
    applications[schema.END_DATE] = None
    final = final_applications(applications)
    flags = students.set_index(schema.STUDENT_ID)[[schema.LEFT_BEHIND, schema.HARDSHIP, schema.MIGRANT]].any(axis=1)
    plain = final[final[schema.JOIN] & ~final[schema.STUDENT_ID].map(flags).astype(bool)
                  & ~final[schema.SIBLINGS].astype(bool)][schema.STUDENT_ID].tolist()
    leaver, joiner = (plain[int(i)] for i in rng.choice(len(plain), size=2, replace=False))
    last = {sid: i for i, sid in enumerate(applications[schema.STUDENT_ID])}
    applications.at[last[leaver], schema.END_DATE] = LEAVER_EXIT
    applications.at[last[joiner], schema.START_DATE] = JOINER_START
    applications.at[last[joiner], schema.SUBMITTED_AT] = dt.datetime(2025, 10, 9, 19, 42, 5)
    return applications


def final_applications(applications: pd.DataFrame) -> pd.DataFrame:
    """Each student's last submission, as the kit keeps it."""
    return applications.drop_duplicates(schema.STUDENT_ID, keep="last").reset_index(drop=True)


def kit_outcome(folder: Path) -> tuple[set[str], dict[str, list[str]]]:
    """Who takes part and which clubs each holds, as the kit itself decides from the files just
    written (the reviews read, ``da`` with the term's announced seed): the sample's attendance
    then matches what notebook 02 and ``afterschool allocate`` show, and fees settle on it."""
    from .allocation import allocate, default_seed
    from .survey import read_participants
    from .validate import check_folder

    check = check_folder(folder)
    survey = check.inputs[schema.SURVEY.stem]
    people = read_participants(folder, check.frame(schema.STUDENTS.stem), survey.frame, check.frame(schema.ACTIVITIES.stem),
                               check.settings.service_weekdays, survey.file_name)
    allocation = allocate(people.taking_part, check.frame(schema.ACTIVITIES.stem), "da", default_seed(check.settings.term_start))
    placed: dict[str, list[str]] = {}
    for sid, code in zip(allocation.placements[schema.STUDENT_ID], allocation.placements[schema.ACTIVITY_ID]):
        placed.setdefault(str(sid), []).append(str(code))
    return set(map(str, people.taking_part[schema.STUDENT_ID])), placed


def make_staff(seed: int) -> pd.DataFrame:
    """Everyone who serves, canonical where the sheet is messy on purpose (types, vetting as written)."""
    rng = _rng(seed, "staff")
    rows = []
    taken: set[str] = set()
    number = 0
    for subject, count, handed, extra in _TEACHER_SUBJECTS:
        for k in range(count):
            number += 1
            name = _staff_name(rng, 0.75, taken)
            skills = handed[k] if k < len(handed) else _pick(rng, extra)
            days = ""
            if rng.random() < 0.2:
                off = int(rng.integers(5))
                days = ",".join(d for i, d in enumerate(schema.WEEKDAY_NAMES[:5]) if i != off)
            most = _pick(rng, (3, 2, 4, ""), (0.6, 0.2, 0.12, 0.08))
            rows.append({
                schema.STAFF_ID: f"T{number:03d}", schema.NAME: name, schema.STAFF_TYPE: "在职教师",
                schema.SKILLS: skills, schema.AVAILABLE_DAYS: days, schema.MAX_PER_WEEK: most,
                schema.VETTING: "通过", schema.SAFETY_TRAINING: "已完成", SUBJECT: subject, schema.REMARK: "",
            })
    rows[-1][schema.SAFETY_TRAINING] = "未完成"
    rows[-1][schema.REMARK] = "本学期新入职"
    rows[7][schema.AVAILABLE_DAYS] = "周一至周四"  # one teacher wrote a span
    for code, kind, skills, days, most, vetting, training, note in _OTHER_STAFF:
        name = _staff_name(rng, 0.55, taken)
        rows.append({
            schema.STAFF_ID: code, schema.NAME: name, schema.STAFF_TYPE: kind, schema.SKILLS: skills,
            schema.AVAILABLE_DAYS: days, schema.MAX_PER_WEEK: most, schema.VETTING: vetting,
            schema.SAFETY_TRAINING: training, SUBJECT: "", schema.REMARK: note,
        })
    staff = pd.DataFrame(rows)
    staff[schema.PHONE] = _phone_numbers(rng, len(staff), _STAFF_PREFIXES)
    return staff


def _staff_name(rng: np.random.Generator, female_share: float, taken: set[str]) -> str:
    """An adult's name not yet used on the staff list (so 指定教师 written as a name is unambiguous)."""
    while True:
        chars = _WOMAN_CHARS if rng.random() < female_share else _MAN_CHARS
        name = _chinese_name(rng, _surname(rng), chars, 0.3)
        if name not in taken:
            taken.add(name)
            return name


# =================================================================================================
# The files, as staff would hand them in
# =================================================================================================


def students_sheet(students: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The roster as thirty class teachers fill it in (see the module docstring for the mess)."""
    rng = _rng(seed, "students-mess")
    classes = list(students[[schema.GRADE, schema.CLASS]].drop_duplicates().itertuples(index=False, name=None))
    styles = rng.permutation(len(classes))  # class k gets mess style styles[k]
    grade_style = {0: "{n}年级", 1: "{n}", 2: "{cn}"}  # the rest write 三年级
    class_style = {3: "({c})班", 4: "（{c}）班", 5: "{cn}年级{c}班", 6: "{c}", 7: "({c})班"}
    yes_style = {8: ("√", ""), 9: ("√", ""), 10: ("是", ""), 11: ("是", ""), 12: ("是", "")}
    numeric_ids, fullwidth_ids, gender_words = 13, 14, 15
    out = []
    for (grade, number), style in zip(classes, styles):
        part = students[(students[schema.GRADE] == grade) & (students[schema.CLASS] == number)].copy()
        cn = schema.GRADE_NAMES[grade - 1][0]
        part[schema.GRADE] = grade_style.get(style, "{cn}年级").format(n=grade, cn=cn)
        part[schema.CLASS] = class_style.get(style, "{c}班").format(c=number, cn=cn)
        yes, no = yes_style.get(style, ("是", "否"))
        for column in (schema.LEFT_BEHIND, schema.HARDSHIP, schema.MIGRANT):
            part[column] = part[column].map({True: yes, False: no})
        if style == numeric_ids:
            part[schema.STUDENT_ID] = part[schema.STUDENT_ID].astype("int64").astype(object)
            part[schema.PHONE] = part[schema.PHONE].map(lambda p: int(p) if p else "")
        if style == fullwidth_ids:
            for index in rng.choice(part.index.to_numpy(), size=5, replace=False):
                column = schema.STUDENT_ID if rng.random() < 0.5 else schema.PHONE
                part.at[index, column] = _full_width(str(part.at[index, column]))
        if style == gender_words:
            part[schema.GENDER] = part[schema.GENDER] + "生"
        out.append(part)
    sheet = pd.concat(out).sort_index()
    names = sheet[schema.NAME].copy()
    for index in rng.choice(sheet.index.to_numpy(), size=14, replace=False):
        name = names[index]
        if len(name) == 2 and rng.random() < 0.6:
            names[index] = name[0] + "\u3000" + name[1]  # aligned by hand to look like three characters
        else:
            names[index] = name + " "
    sheet[schema.NAME] = names
    only_children = sheet.index[~sheet["family"].duplicated(keep=False)].to_numpy()
    no_phone = rng.choice(only_children, size=2, replace=False)
    sheet.loc[no_phone, schema.PHONE] = ""
    return sheet[list(schema.STUDENTS.names)]


def _full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch for ch in text)


def survey_sheet(applications: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The application form export: a few grades and classes spelt by hand, the rest as picked."""
    rng = _rng(seed, "survey-mess")
    sheet = applications.copy()
    sheet[schema.GRADE] = sheet[schema.GRADE].map(lambda g: schema.GRADE_NAMES[g - 1])
    sheet[schema.CLASS] = sheet[schema.CLASS].map(lambda c: f"{c}班")
    picks = rng.choice(len(sheet), size=5, replace=False)
    for k, i in enumerate(picks):
        grade = int(applications.at[int(i), schema.GRADE])
        if k < 2:
            sheet.at[int(i), schema.GRADE] = f"{grade}年级"
        elif k == 2:
            sheet.at[int(i), schema.GRADE] = schema.GRADE_NAMES[grade - 1][0]
        else:
            sheet.at[int(i), schema.CLASS] = f"({applications.at[int(i), schema.CLASS]})班"
    for column in (schema.JOIN, schema.NOON_CARE):
        sheet[column] = sheet[column].map({True: schema.YES, False: schema.NO})
    sheet[schema.SIBLINGS] = sheet[schema.SIBLINGS].map({True: schema.YES, False: ""})
    sheet.loc[sheet[schema.JOIN] == schema.NO, schema.NOON_CARE] = ""
    sheet[schema.SUBMITTED_AT] = sheet[schema.SUBMITTED_AT].map(lambda t: t.strftime("%Y-%m-%d %H:%M:%S"))
    for column in (schema.START_DATE, schema.END_DATE):
        sheet[column] = sheet[column].map(lambda d: d.strftime("%Y-%m-%d") if isinstance(d, dt.date) else "")
    return sheet[list(schema.SURVEY.names)]


def activities_sheet(staff: pd.DataFrame) -> pd.DataFrame:
    """The activity list as 教务处 keeps it: codes, names, who and where."""
    rows = []
    names = dict(zip(staff[schema.STAFF_ID], staff[schema.NAME]))
    for a in ACTIVITIES:
        teacher = a.teacher
        if a.code == _NAME_FOR_TEACHER:
            teacher = names[teacher]
        rows.append({
            schema.ACTIVITY_ID: a.code, schema.ACTIVITY_NAME: a.name, schema.CATEGORY: a.category,
            schema.ELIGIBLE_GRADES: a.grades_text, schema.CAPACITY_MAX: a.capacity, schema.CAPACITY_MIN: a.minimum,
            schema.ACTIVITY_DAYS: a.days_text, schema.ROOM: a.room, schema.ASSIGNED_TEACHER: teacher,
            schema.SKILL_NEEDED: a.skill,
        })
    return pd.DataFrame(rows, columns=list(schema.ACTIVITIES.names))


def rooms_sheet(students: pd.DataFrame) -> pd.DataFrame:
    """Every classroom (seats for its class and a few more) and the function rooms and courts."""
    sizes = students.groupby([schema.GRADE, schema.CLASS]).size()
    rows = [{schema.ROOM: f"{schema.GRADE_NAMES[g - 1][0]}({c})班教室", schema.ROOM_TYPE: "普通教室",
             schema.ROOM_CAPACITY: max(50, int(n) + 2)} for (g, c), n in sizes.items()]
    rows += [{schema.ROOM: n, schema.ROOM_TYPE: t, schema.ROOM_CAPACITY: c} for n, t, c in _FUNCTION_ROOMS]
    return pd.DataFrame(rows, columns=list(schema.ROOMS.names))


def staff_sheet(staff: pd.DataFrame) -> pd.DataFrame:
    """The staff list with the columns the kit reads first, then 任教学科 and 备注 it carries along."""
    return staff[list(schema.STAFF.names) + [SUBJECT, schema.REMARK]]


def calendar_sheet() -> pd.DataFrame:
    return pd.DataFrame([dict(zip((schema.DATE, schema.DAY_TYPE, schema.FOLLOWS_WEEKDAY, schema.NOTE), row))
                         for row in _CALENDAR])


def settings_text(template: str) -> str:
    """The settings template with the school's name and leadership group filled in; every other
    line, comments included, stays as it is."""
    from .settings import set_value, settings_yaml

    yaml = settings_yaml()
    doc = yaml.load(template)
    for key_path, value in (
        ("学校名称", SCHOOL_NAME),
        ("学年学期", TERM_NAME),
        ("领导小组.组长", "周立新（校长）"),
        ("领导小组.副组长", "陈慧敏（副校长）"),
    ):
        set_value(doc, key_path, value)
    members = doc["领导小组"]["成员"]  # keep the template's one-line [a, b] list
    members.fa.set_flow_style()
    members.clear()
    members.extend(["林晓红（教务处主任）", "赵建波（德育处主任）", "孙海平（安全办主任）", "何丽娟（后勤处主任）", "各年级组长"])
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def service_days(settings_path: Path, calendar_path: Path) -> pd.DataFrame:
    """The term's service days from the kit's own term calendar: 日期 (a date), the weekday whose
    timetable runs (``weekday``, 0 = Monday; a 调休 Sunday can run Wednesday's), 开始, 结束."""
    from .loaders import load_input
    from .settings import load_settings
    from .term_calendar import build_term_calendar

    settings, problems = load_settings(settings_path)
    if settings is None:
        raise ValueError("示例设置文件有错误：" + "；".join(str(p) for p in problems))
    school_calendar = load_input(schema.CALENDAR, calendar_path).frame
    days = build_term_calendar(settings, school_calendar).service_days
    follows = days[schema.FOLLOWS_WEEKDAY].fillna("")
    weekday = [schema.WEEKDAY_NAMES.index(f) if f else d.weekday() for d, f in zip(days[schema.DATE], follows)]
    return pd.DataFrame({schema.DATE: days[schema.DATE].dt.date.to_numpy(), "weekday": weekday,
                         schema.DAY_START: days[schema.DAY_START].to_numpy(),
                         schema.DAY_END: days[schema.DAY_END].to_numpy()})


def make_attendance(students: pd.DataFrame, applications: pd.DataFrame, days: pd.DataFrame,
                    seed: int, taking_part: set[str], placed: dict[str, list[str]]) -> pd.DataFrame:
    """The term's attendance as it happened (canonical, before the planted problems): every
    student ``taking_part`` on their days, in the clubs ``placed`` gave them."""
    rng = _rng(seed, "attendance")
    final = final_applications(applications)
    final = final[final[schema.STUDENT_ID].isin(taking_part)]
    final = final.merge(students[[schema.STUDENT_ID, "picker", schema.LEFT_BEHIND]], on=schema.STUDENT_ID)
    codes = {a.code: a for a in ACTIVITIES}
    dates = days[schema.DATE].to_numpy()
    weekdays = days["weekday"].to_numpy()
    ends = np.array([_minutes(t) for t in days[schema.DAY_END]])
    starts = np.array([_minutes(t) for t in days[schema.DAY_START]])
    flu = np.array([1.8 if d.month == 12 else 1.0 for d in dates])  # more sick leave in December
    out_date, out_id, out_item, out_state, out_time, out_picker = [], [], [], [], [], []
    for row in final.itertuples(index=False):
        record = row._asdict()
        sid = record[schema.STUDENT_ID]
        mine = np.isin(weekdays, record["days"])
        start, end = record.get(schema.START_DATE), record.get(schema.END_DATE)
        if isinstance(start, dt.date):
            mine &= np.array([d >= start for d in dates])
        if isinstance(end, dt.date):
            mine &= np.array([d <= end for d in dates])
        frailty = rng.gamma(2.0, 0.5)
        state = np.full(len(dates), "出勤", dtype=object)
        leave = rng.random(len(dates)) < 0.037 * frailty * flu / 1.15
        leave |= np.roll(leave, 1) & (rng.random(len(dates)) < 0.35)  # a sickness often lasts two days
        state[leave] = "请假"
        state[~leave & (rng.random(len(dates)) < 0.022 * frailty)] = "缺勤"
        leave_time = record[schema.LEAVE_TIME]
        clubs = [codes[c] for c in placed.get(sid, [])]
        own = record["picker"]
        others = _GRANDPARENT_PICKERS if record[schema.LEFT_BEHIND] else _PICKERS
        for k in np.flatnonzero(mine):
            items = [schema.HOMEWORK_ITEM] + [c.code for c in clubs if weekdays[k] in c.days]
            if leave_time == "17:00前" and len(items) == 1:
                clock = int(rng.integers(16 * 60 + 45, 17 * 60 + 1))
            elif leave_time == "17:30" and len(items) == 1:
                clock = int(rng.integers(17 * 60 + 20, 17 * 60 + 36))
            else:
                clock = int(rng.integers(ends[k] - 12, ends[k] + 1))
            clock = max(starts[k] + 10, min(clock, ends[k]))
            picker = own if rng.random() < 0.75 else _pick(rng, others)
            for item in items:
                out_date.append(dates[k])
                out_id.append(sid)
                out_item.append(item)
                out_state.append(state[k])
                present = state[k] == "出勤"
                out_time.append(f"{clock // 60:02d}:{clock % 60:02d}" if present else "")
                out_picker.append(picker if present else "")
    return pd.DataFrame({schema.DATE: out_date, schema.STUDENT_ID: out_id, schema.ITEM: out_item,
                         schema.STATUS: out_state, schema.SIGN_OUT: out_time, schema.PICKED_UP_BY: out_picker})


def add_homework(attendance: pd.DataFrame, students: pd.DataFrame, seed: int) -> pd.DataFrame:
    """作业完成 on each 作业辅导 day a grade 3–6 child was present: most finish at school, some
    children rarely do. Grades 1 and 2 have no written homework, so their cells stay empty."""
    rng = _rng(seed, "homework")
    grade = attendance[schema.STUDENT_ID].map(dict(zip(students[schema.STUDENT_ID], students[schema.GRADE])))
    counted = ((attendance[schema.ITEM] == schema.HOMEWORK_ITEM) & (attendance[schema.STATUS] == "出勤")
               & (grade >= 3)).to_numpy()
    ids = sorted(attendance[schema.STUDENT_ID].unique())
    habit = dict(zip(ids, rng.beta(8.0, 1.3, size=len(ids))))  # each child's share of days finished
    chance = attendance[schema.STUDENT_ID].map(habit).to_numpy()
    finished = rng.random(len(attendance)) < chance
    done = np.where(counted, np.where(finished, "完成", "未完成"), "")
    return attendance.assign(**{schema.HOMEWORK_DONE: done})


def _minutes(clock: object) -> int:
    hours, minutes = str(clock).split(":")[:2]
    return int(hours) * 60 + int(minutes)


def make_incidents(attendance: pd.DataFrame, days: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two late pick-ups and one minor injury; returns (incidents, attendance with the late
    sign-outs written in)."""
    rng = _rng(seed, "incidents")
    attendance = attendance.copy()
    ends = dict(zip(days[schema.DATE], days[schema.DAY_END]))
    present = attendance[(attendance[schema.STATUS] == "出勤") & (attendance[schema.ITEM] == schema.HOMEWORK_ITEM)]
    rows = []
    for month, delay in ((10, 25), (12, 40)):
        pool = present[pd.to_datetime(present[schema.DATE]).dt.month == month]
        index = pool.index[int(rng.integers(len(pool)))]
        date, sid = attendance.at[index, schema.DATE], attendance.at[index, schema.STUDENT_ID]
        late = _minutes(ends[date]) + delay
        clock = f"{late // 60:02d}:{late % 60:02d}"
        same_day = (attendance[schema.DATE] == date) & (attendance[schema.STUDENT_ID] == sid)
        attendance.loc[same_day, schema.SIGN_OUT] = clock
        picker = attendance.at[index, schema.PICKED_UP_BY]
        handling = (f"家长因加班未按时接领，值班教师看护，{clock}由{picker}接走，已提醒家长按时接领" if delay < 30 else
                    f"电话未能联系上家长，值班教师看护并联系班主任，{clock}由{picker}接走")
        rows.append({schema.DATE: date, schema.STUDENT_ID: sid, schema.INCIDENT_TYPE: "未按时接领",
                     schema.LEVEL: "一般", schema.HANDLING: handling})
    basketball = attendance[(attendance[schema.ITEM] == "A01") & (attendance[schema.STATUS] == "出勤")]
    hurt = basketball.iloc[int(rng.integers(len(basketball)))]
    rows.append({schema.DATE: hurt[schema.DATE], schema.STUDENT_ID: hurt[schema.STUDENT_ID],
                 schema.INCIDENT_TYPE: "意外伤害", schema.LEVEL: "一般",
                 schema.HANDLING: "篮球活动中扭伤右脚踝，校医冰敷后通知家长接回，次日正常到校"})
    incidents = pd.DataFrame(rows, columns=list(schema.INCIDENTS.names)).sort_values(schema.DATE, kind="stable")
    return incidents.reset_index(drop=True), attendance


def attendance_sheet(attendance: pd.DataFrame, seed: int, leaver: str | None = None) -> pd.DataFrame:
    """Attendance as exported from the class registers, with planted problems: a record on the
    2025-10-01 holiday, one for a 学号 on no roster, one record entered twice, and one for the
    ``leaver`` a week after the 退出日期."""
    rng = _rng(seed, "attendance-mess")
    sheet = attendance.copy()
    sample = sheet.iloc[int(rng.integers(len(sheet)))].copy()
    holiday = sample.copy()
    holiday[schema.DATE] = dt.date(2025, 10, 1)
    holiday[schema.ITEM], holiday[schema.STATUS] = schema.HOMEWORK_ITEM, "出勤"
    holiday[schema.SIGN_OUT], holiday[schema.PICKED_UP_BY] = "17:50", "妈妈"
    stranger = holiday.copy()
    stranger[schema.DATE] = dt.date(2025, 11, 12)
    stranger[schema.STUDENT_ID] = _UNKNOWN_STUDENT
    twice = sheet.iloc[int(rng.integers(len(sheet)))].copy()
    planted = [holiday, stranger, twice]
    if leaver is not None:
        late = holiday.copy()
        late[schema.DATE], late[schema.STUDENT_ID] = LEAVER_EXIT + dt.timedelta(days=7), leaver
        planted.append(late)
    sheet = pd.concat([sheet, pd.DataFrame(planted)], ignore_index=True)
    sheet = sheet.sort_values([schema.DATE, schema.STUDENT_ID, schema.ITEM], kind="stable").reset_index(drop=True)
    sheet[schema.DATE] = sheet[schema.DATE].map(lambda d: d.strftime("%Y-%m-%d"))
    return sheet


def expenses_sheet() -> pd.DataFrame:
    """The spending plan 后勤处 drafts: consumables for a few clubs and for homework care, the
    liability insurance, and one line the rules refuse (classroom utilities), for the kit to name."""
    rows = [
        ("科学小实验器材和试剂", "耗材", "1800", "2025-09", "A19", "按实际采购结算"),
        ("儿童国画宣纸颜料", "耗材", "1200", "2025-10", "A13", ""),
        ("机器人社团零配件", "耗材", "2400", "2025-11", "A18", "按实际采购结算"),
        ("作业辅导公共文具", "耗材", "1500", "", "", "全学期分摊"),
        ("课后服务安全责任保险", "保险", "3000", "2025-09", "", ""),
        ("课后服务时段教室水电费", "其他", "3000", "2025-12", "", "后勤处提出"),
    ]
    return pd.DataFrame(rows, columns=list(schema.EXPENSES.names))


def satisfaction_sheet(students: pd.DataFrame, applications: pd.DataFrame, staff: pd.DataFrame,
                       seed: int) -> pd.DataFrame:
    """End-of-term questionnaire: parents, then students (grades 3-6), then teachers."""
    rng = _rng(seed, "satisfaction")
    final = final_applications(applications)
    enrolled = students[students[schema.STUDENT_ID].isin(final.loc[final[schema.JOIN], schema.STUDENT_ID])]
    families = enrolled.drop_duplicates("family")
    parents = families.iloc[np.sort(rng.choice(len(families), size=min(800, len(families)), replace=False))]
    upper = enrolled[enrolled[schema.GRADE] >= 3]
    pupils = upper.iloc[np.sort(rng.choice(len(upper), size=min(600, len(upper)), replace=False))]
    teachers = staff[staff[schema.STAFF_TYPE].isin(("在职教师", "退休教师"))]
    rows = []
    for who, group in (("家长", parents), ("学生", pupils), ("教师", teachers)):
        shares = np.array(_SATISFACTION_SHARES[who])
        for record in group.to_dict("records"):
            row = {schema.RESPONDENT: who,
                   schema.GRADE: schema.GRADE_NAMES[record[schema.GRADE] - 1] if who != "教师" else "",
                   schema.CLASS: f"{record[schema.CLASS]}班" if who != "教师" else ""}
            mood = int(rng.choice(5, p=shares))
            for question in SATISFACTION_QUESTIONS:
                level = mood if rng.random() < 0.6 else int(rng.choice(5, p=shares))
                answer = schema.SATISFACTION_LEVELS[level]
                roll = rng.random()
                if roll < 0.012:
                    answer = ""
                elif roll < 0.02 and level == 0:
                    answer = "很满意"
                elif roll < 0.026:
                    answer = "满意度：" + answer
                elif roll < 0.032:
                    answer = " " + answer + " "
                row[question] = answer
            comments = _COMMENTS[who]
            row[schema.COMMENTS] = _pick(rng, comments) if rng.random() < 0.10 else ""
            rows.append(row)
    columns = [schema.RESPONDENT, schema.GRADE, schema.CLASS, *SATISFACTION_QUESTIONS, schema.COMMENTS]
    return pd.DataFrame(rows, columns=columns)


# =================================================================================================
# Writing, byte for byte the same every time
# =================================================================================================


def _xlsx_bytes(frame: pd.DataFrame, sheet_title: str, title_row: str | None = None) -> bytes:
    """One sheet: an optional title row, the header, then the rows; blank cells stay empty."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.properties.creator = _AUTHOR
    book.properties.lastModifiedBy = _AUTHOR
    book.properties.created = _FIXED_TIME
    book.properties.modified = _FIXED_TIME
    sheet = book.active
    sheet.title = sheet_title
    if title_row:
        sheet.append([title_row])
        sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.append(list(frame.columns))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for values in frame.itertuples(index=False, name=None):
        sheet.append([_cell(v) for v in values])
    for j, column in enumerate(frame.columns, start=1):
        width = max([len(str(column)) * 2 + 2] + [len(str(v)) + 2 for v in frame[column].head(200)])
        sheet.column_dimensions[get_column_letter(j)].width = min(width, 40)
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    return workbook_bytes(book, _FIXED_TIME)


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, str) and value == "":
        return None
    return value


def _csv_bytes(frame: pd.DataFrame, encoding: str) -> bytes:
    """CSV as Excel saves it: CRLF line ends, quotes only where needed."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(frame.columns)
    writer.writerows(frame.itertuples(index=False, name=None))
    return text.getvalue().encode(encoding)


def _write(path: Path, data: bytes) -> Path:
    return write_bytes_atomic(path, data)


# =================================================================================================
# The same applications as the survey platforms hand them out (for trying ``import-survey``)
# =================================================================================================

EXPORTS_DIR = "导出"
_WJX_EXPORT = "问卷星_课后服务报名.csv"
_TENCENT_EXPORT = "腾讯问卷_课后服务报名.csv"
_WEEK = schema.WEEKDAY_NAMES[:5]
_IP_PLACES = (("江苏", "南京"), ("江苏", "南京"), ("江苏", "南京"), ("江苏", "苏州"), ("安徽", "合肥"), ("上海", "上海"),
              ("广东", "深圳"), ("浙江", "杭州"))
_WJX_QUESTIONS = (
    "1、孩子的学号：", "2、孩子姓名", "3、所在年级", "4、所在班级", "5、是否参加本学期课后服务", "6、参加哪几天(多选题 *必答)",
    "7、每天几点接孩子 ", "8、是否需要午间托管", "9、请按意愿选择社团(最多选3项，按顺序)", "10、每周最多参加几个社团",
)
_TENCENT_DAYS_QUESTION = "6.孩子每周参加哪几天"


def write_survey_exports(out_dir: Path | str, seed: int = DEFAULT_SEED) -> list[Path]:
    """The sample's applications as a 问卷星 and a 腾讯问卷 download, in ``out_dir/导出/``.

    They are written from the ``survey.csv`` already in ``out_dir``, so importing either export
    gives the same applications as loading ``survey.csv``: same 学号, 参加, 服务日 (a blank one
    means every day, which the questionnaire asks as five ticked days) and 志愿 (given by activity
    name, as parents pick them from the form). Parents who do not apply skip the rest of the form
    by the questionnaire's logic. The random stream is the exports' own, so the rest of the sample
    stays byte for byte the same.
    """
    out = Path(out_dir)
    with (out / f"{schema.SURVEY.stem}.csv").open(encoding="gb18030", newline="") as handle:
        applications = list(csv.DictReader(handle))
    rng = _rng(seed, "survey-exports")
    names = {a.code: a.name for a in ACTIVITIES}
    answers = [_export_answers(row, names) for row in applications]
    folder = out / EXPORTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    return [
        _write(folder / _WJX_EXPORT, _csv_bytes(_wjx_export(answers, rng), "gb18030")),
        _write(folder / _TENCENT_EXPORT, _csv_bytes(_tencent_export(answers, rng), "utf-8-sig")),
    ]


def _export_answers(row: dict[str, str], names: dict[str, str]) -> dict:
    """One application as a parent answered the form: options as the form lists them."""
    # the sample's own spellings (一、三、五, 3年级, (2)班) read as the kit reads them
    from . import normalize as nz

    days = nz.parse_weekdays(row[schema.WEEKDAYS_COL]) or tuple(range(5))
    grade = nz.parse_grade(row[schema.GRADE])[0]
    number = nz.parse_class(row[schema.CLASS])[0][1]
    return {
        "学号": row[schema.STUDENT_ID], "姓名": row[schema.NAME], "年级": schema.GRADE_NAMES[grade - 1],
        "班级": f"{number}班", "参加": row[schema.JOIN] == schema.YES, "服务日": [schema.WEEKDAY_NAMES[d] for d in days],
        "离校": row[schema.LEAVE_TIME], "午托": row[schema.NOON_CARE] or schema.NO,
        "志愿": [names.get(row[c], row[c]) for c in schema.CHOICES if row[c]],
        "社团数": f"{row[schema.MAX_CLUBS]}个" if row[schema.MAX_CLUBS] else "",
        "提交": dt.datetime.strptime(row[schema.SUBMITTED_AT], "%Y-%m-%d %H:%M:%S"),
    }


def _ip(rng: np.random.Generator) -> tuple[str, str, str]:
    province, city = _pick(rng, _IP_PLACES)
    address = ".".join(str(int(n)) for n in rng.integers(1, 255, size=4))
    return address, province, city


def _wjx_export(answers: list[dict], rng: np.random.Generator) -> pd.DataFrame:
    """问卷星 按选项文本: ┋ between days, → between ranked clubs, (跳过) after the logic jump."""
    rows = []
    for number, a in enumerate(answers, start=1):
        seconds = int(rng.integers(35, 420))
        source = _pick(rng, ("微信", "手机提交", "链接"), (0.85, 0.1, 0.05))
        address, province, city = _ip(rng)
        when = a["提交"]
        row = [number, f"{when.year}/{when.month}/{when.day} {when:%H:%M:%S}", f"{seconds}秒", source, "N/A",
               f"{address}({province}-{city})", a["学号"], a["姓名"], a["年级"], a["班级"], "是" if a["参加"] else "否"]
        if a["参加"]:
            row += ["┋".join(a["服务日"]), a["离校"], a["午托"], "→".join(a["志愿"]) or "(空)", a["社团数"] or "(空)"]
        else:
            row += ["(跳过)"] * 5
        rows.append(row)
    columns = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", *_WJX_QUESTIONS]
    return pd.DataFrame(rows, columns=columns)


def _tencent_export(answers: list[dict], rng: np.random.Generator) -> pd.DataFrame:
    """腾讯问卷: one column per weekday (its text when ticked), 志愿 as three questions, a final empty column."""
    rows = []
    for number, a in enumerate(answers, start=1):
        seconds = int(rng.integers(35, 420))
        _, province, city = _ip(rng)
        end = a["提交"]
        start = end - dt.timedelta(seconds=seconds)
        joins = a["参加"]
        clubs = (a["志愿"] + ["", "", ""])[:3] if joins else ["", "", ""]
        row = [number, f"{start:%Y-%m-%d %H:%M:%S}", f"{end:%Y-%m-%d %H:%M:%S}", f"{seconds // 60}分{seconds % 60}秒",
               "中国", province, city, "", a["学号"], a["姓名"], a["年级"], a["班级"], "是" if joins else "否"]
        row += [day if joins and day in a["服务日"] else "" for day in _WEEK]
        row += [a["离校"] if joins else "", a["午托"] if joins else "", *clubs, a["社团数"] if joins else "", ""]
        rows.append(row)
    columns = ["编号", "开始答题时间", "结束答题时间", "答题时长", "地理位置国家和地区", "地理位置省份", "地理位置城市", "自定义字段",
               "1.孩子的学号", "2.孩子的姓名", "3.年级", "4.班级", "5.本学期是否参加课后服务",
               *(f"{_TENCENT_DAYS_QUESTION}:{day}" for day in _WEEK), "7.离校时间", "8.是否需要午托",
               "9.第一志愿", "10.第二志愿", "11.第三志愿", "12.每周最多参加几个社团", ""]
    return pd.DataFrame(rows, columns=columns)


def generate_sample_school(out_dir: Path | str = DEFAULT_OUT_DIR, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the sample school's term folder into ``out_dir``; returns the files written in order.

    Needs the settings template ``data_templates/settings.yaml`` (copied with the school filled
    in) and the kit's calendar, settings and loader modules (attendance follows the term calendar).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    students = make_students(seed)
    applications = sibling_requests(make_applications(students, seed), students, seed)
    applications = enrolment_changes(applications, students, seed)
    staff = make_staff(seed)
    written: list[Path] = []

    def xlsx(stem: str, frame: pd.DataFrame, title_row: str | None = None) -> Path:
        path = _write(out / f"{stem}.xlsx", _xlsx_bytes(frame, schema.INPUTS[stem].title, title_row))
        written.append(path)
        return path

    xlsx(schema.STUDENTS.stem, students_sheet(students, seed), f"{SCHOOL_NAME}{TERM_NAME}学生名单")
    written.append(_write(out / f"{schema.SURVEY.stem}.csv", _csv_bytes(survey_sheet(applications, seed), "gb18030")))
    xlsx(schema.ACTIVITIES.stem, activities_sheet(staff))
    xlsx(schema.ROOMS.stem, rooms_sheet(students))
    xlsx(schema.STAFF.stem, staff_sheet(staff))
    calendar_path = xlsx(schema.CALENDAR.stem, calendar_sheet())
    settings_path = out / schema.SETTINGS_FILE
    text = settings_text(SETTINGS_TEMPLATE.read_text(encoding="utf-8"))
    written.append(_write(settings_path, text.encode("utf-8")))

    write_survey_exports(out, seed)  # 导出/: the same applications as 问卷星 and 腾讯问卷 downloads
    written.append(write_class_review_returns(out, seed))
    days = service_days(settings_path, calendar_path)
    attendance = make_attendance(students, applications, days, seed, *kit_outcome(out))
    incidents, attendance = make_incidents(attendance, days, seed)
    attendance = add_homework(attendance, students, seed)
    leaver = applications.loc[applications[schema.END_DATE].notna(), schema.STUDENT_ID].iloc[0]
    written.append(_write(out / f"{schema.ATTENDANCE.stem}.csv",
                          _csv_bytes(attendance_sheet(attendance, seed, leaver), "utf-8-sig")))
    xlsx(schema.EXPENSES.stem, expenses_sheet())
    incidents = incidents.assign(**{schema.DATE: incidents[schema.DATE].map(lambda d: d.strftime("%Y-%m-%d"))})
    xlsx(schema.INCIDENTS.stem, incidents)
    xlsx(schema.SATISFACTION.stem, satisfaction_sheet(students, applications, staff, seed))
    written.append(write_previous_term(out))
    return written


# Last term's (2024-2025学年第二学期) figures, made up to be a little weaker than this term's, so
# the comparison in step 05 has something to show. Rates as fractions, counts as whole numbers.
PREVIOUS_TERM = "2024-2025学年第二学期"
PREVIOUS_INDICATORS = (
    ("参与率", 0.962), ("全校参与率", 0.842), ("出勤率", 0.921), ("学生满意度", 0.893), ("家长满意度", 0.857),
    ("教师满意度", 0.861), ("校内完成作业", 0.812), ("安全事故", 4), ("培训覆盖率", 0.903),
    ("校外人员资质审核通过率", 0.75), ("活动数量", 22), ("志愿满足率", 0.71), ("经费使用合规率", 1.0),
)


def write_previous_term(out: Path) -> Path:
    """上学期/期末评价.xlsx: what ``afterschool evaluate`` wrote last term, reduced to the 指标一览
    sheet that the term-over-term comparison reads (see evaluation_files.read_indicators)."""
    from .evaluation import DEFINITIONS, INDICATOR, VALUE
    from .evaluation_files import EVALUATION_FILE, INDICATORS_SHEET, PREVIOUS_FOLDER
    from .workbooks import write_tables

    frame = pd.DataFrame(PREVIOUS_INDICATORS, columns=[INDICATOR, VALUE], dtype=object)
    frame["口径"] = [DEFINITIONS.get(name, "") for name in frame[INDICATOR]]
    note = pd.DataFrame([("报告", f"示例小学 {PREVIOUS_TERM} 课后服务期末评价（虚构的示例数据，只保留指标一览）")],
                        columns=["项目", "内容"])
    folder = out / PREVIOUS_FOLDER
    folder.mkdir(exist_ok=True)
    return write_tables(folder / EVALUATION_FILE, {INDICATORS_SHEET: frame, "说明": note})


_REJECTION_REASONS = ("家长下班早，可按时接送，经沟通自愿不参加", "身体原因暂缓参加，下月再申请", "家长要求改为只参加午间托管")
_CLASSES_NOT_RETURNED = 2


def write_class_review_returns(out: Path, seed: int) -> Path:
    """The 班级审核 workbook as class teachers send it back, part way through the review.

    Built with the kit's own review export, then filled in the way teachers do: nearly every
    application passed (some typed √ instead of choosing from the list), a few refused with a
    reason, and the last classes not yet returned, so the sample shows a review in progress.
    """
    import openpyxl

    from .loaders import load_input
    from .settings import load_settings
    from .survey import class_review_sheets, prepare_applications, review_workbook_bytes

    rng = _rng(seed, "class review")
    students = load_input(schema.STUDENTS, out / f"{schema.STUDENTS.stem}.xlsx").frame
    survey = load_input(schema.SURVEY, out / f"{schema.SURVEY.stem}.csv").frame
    activities = load_input(schema.ACTIVITIES, out / f"{schema.ACTIVITIES.stem}.xlsx").frame
    settings, _ = load_settings(out / schema.SETTINGS_FILE)
    applications, _ = prepare_applications(survey, students, activities, settings.service_weekdays)
    book = openpyxl.load_workbook(io.BytesIO(review_workbook_bytes(class_review_sheets(applications, activities))))
    for sheet in book.worksheets[:-_CLASSES_NOT_RETURNED]:
        header = [c.value for c in sheet[1]]
        result, reason = header.index("审核结果") + 1, header.index("原因") + 1
        for row in range(2, sheet.max_row + 1):
            draw = rng.random()
            if draw < 0.02:
                sheet.cell(row, result).value = "不通过"
                sheet.cell(row, reason).value = _pick(rng, _REJECTION_REASONS)
            else:
                sheet.cell(row, result).value = "√" if draw < 0.1 else "审核通过"
    return _write(out / "班级审核.xlsx", workbook_bytes(book, _FIXED_TIME))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m afterschool_lib.sample_school",
        description=f"生成虚构的“{SCHOOL_NAME}”{TERM_NAME}全套示例数据（学生、需求调查、活动、场地、教职工、校历、设置、考勤、安全记录、满意度）。",
    )
    parser.add_argument("out_dir", nargs="?", default=str(DEFAULT_OUT_DIR), help="输出文件夹（默认 data_templates/sample/）")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子，相同种子生成完全相同的文件（默认 {DEFAULT_SEED}）")
    args = parser.parse_args(argv)
    for path in generate_sample_school(Path(args.out_dir), args.seed):
        print(f"已生成 {path}（{path.stat().st_size / 1024:.0f} KB）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
