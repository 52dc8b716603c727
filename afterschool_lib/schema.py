"""Every input file of a term folder, declared once.

A term folder holds one file per input (DESIGN section 3). Each input is an :class:`InputSpec`:
its file stem, its Chinese title, and its :class:`Column` list (Chinese header, the aliases staff
really type, the kind of value, whether it is required, the allowed values and a line of help).
The loaders, the blank templates (with their 填写说明 sheet and drop-down lists), the sample
school and the planning steps all read these declarations, so a header is spelt in one place.

Column names used by code are the module constants below (``STUDENT_ID`` is "学号"); planning
modules import them instead of typing the Chinese again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

# --- column names shared by several inputs -------------------------------------------------
STUDENT_ID = "学号"
NAME = "姓名"
GENDER = "性别"
GRADE = "年级"
CLASS = "班级"
PARENT_NAME = "家长姓名"
PHONE = "联系电话"
LEFT_BEHIND = "留守儿童"
HARDSHIP = "困难家庭"
MIGRANT = "随迁子女"
REMARK = "备注"
DATE = "日期"
WEEKDAYS_COL = "服务日"
CLASS_NAME = "班级名称"  # 三年级2班: grade and class in one cell, as lists print it

# survey
JOIN = "参加课后服务"
LEAVE_TIME = "离校时段"
NOON_CARE = "午间托管"
CHOICE_1, CHOICE_2, CHOICE_3 = "志愿1", "志愿2", "志愿3"
CHOICES = (CHOICE_1, CHOICE_2, CHOICE_3)
MAX_CLUBS = "最多社团数"
SIBLINGS = "兄弟姐妹同社团"
SUBMITTED_AT = "提交时间"
START_DATE = "开始日期"  # a mid-term join: blank = from the term's first day
END_DATE = "退出日期"  # a mid-term leave: blank = to the term's last day

# activities
ACTIVITY_ID = "活动编号"
ACTIVITY_NAME = "活动名称"
CATEGORY = "类别"
ELIGIBLE_GRADES = "适用年级"
CAPACITY_MAX = "人数上限"
CAPACITY_MIN = "开班最低人数"
ACTIVITY_DAYS = "活动日"
ROOM = "场地"
ASSIGNED_TEACHER = "指定教师"
SKILL_NEEDED = "所需特长"

# rooms
ROOM_TYPE = "类型"
ROOM_CAPACITY = "容量"

# staff
STAFF_ID = "工号"
STAFF_TYPE = "人员类型"
SKILLS = "特长"
AVAILABLE_DAYS = "可服务日"
MAX_PER_WEEK = "每周最多次数"
VETTING = "资质审核"
SAFETY_TRAINING = "安全培训"

# calendar
DAY_TYPE = "类型"
FOLLOWS_WEEKDAY = "按周几课表"
NOTE = "说明"

# attendance
ITEM = "项目"
STATUS = "状态"
SIGN_OUT = "签退时间"
PICKED_UP_BY = "接领人"
HOMEWORK_DONE = "作业完成"  # optional: whether the day's written homework was finished at school

# expenses (经费支出计划): 项目, 类别 and 说明 reuse ITEM, CATEGORY and NOTE
AMOUNT = "金额"
MONTH = "月份"  # YYYY-MM

# incidents
INCIDENT_TYPE = "类型"
LEVEL = "等级"
HANDLING = "处理情况"

# satisfaction
RESPONDENT = "身份"
COMMENTS = "意见建议"

# added by the loaders to every loaded frame: the row number as Excel shows it
EXCEL_ROW = "行号"

# --- allowed values --------------------------------------------------------------------------
WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
GRADE_NAMES = ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级")
YES, NO = "是", "否"
CATEGORIES = ("作业辅导", "阅读", "艺术", "体育", "科技", "人文", "心理", "其他")
STAFF_TYPES = ("在职教师", "退休教师", "校外专业人员", "志愿者", "家长义工")
VETTING_STATES = ("通过", "未通过", "待审核")
TRAINING_STATES = ("已完成", "未完成")
CALENDAR_TYPES = ("放假", "停课", "调休上课", "上课")
ATTENDANCE_STATES = ("出勤", "缺勤", "请假")
INCIDENT_TYPES = ("意外伤害", "未按时接领", "走失", "其他")
INCIDENT_LEVELS = ("一般", "较重", "严重")
RESPONDENTS = ("学生", "家长", "教师")
SATISFACTION_LEVELS = ("非常满意", "满意", "一般", "不满意", "非常不满意")
HOMEWORK_ITEM = "作业辅导"
HOMEWORK_STATES = ("完成", "未完成")
# what fee income may pay for (seeds: staff subsidies and direct consumables; insurance and other
# direct costs of the service are listed apart so the 收费公示 can show them)
EXPENSE_CATEGORIES = ("教师补助", "耗材", "保险", "其他")


class Kind(str, Enum):
    """What a cell holds, which decides how it is normalised and checked."""

    TEXT = "文本"
    CODE = "编号"  # identifiers: 学号, 工号, 活动编号 (Excel's 2025010101.0 becomes 2025010101)
    INT = "整数"
    GRADE = "年级"  # 一年级 / 1年级 / 1 / 一  ->  1
    CLASS = "班级"  # 2班 / (2)班 / 三年级2班 / 2  ->  2
    YESNO = "是否"  # 是/否/√/×/empty  ->  True/False
    WEEKDAYS = "星期"  # 周一,周三 / 一、三 / 周一至周五  ->  "周一,周三"
    WEEKDAY = "单个星期"  # 周六 / 星期六 / 6  ->  "周六"
    DATE = "日期"  # 2025-09-01 / 2025/9/1 / 2025年9月1日 / Excel serial  ->  Timestamp
    DATETIME = "日期时间"
    TIME = "时间"  # 16:30 / 16：30 / Excel fraction  ->  "16:30"
    CHOICE = "选项"  # one of Column.choices (aliases allowed)
    GRADES = "年级范围"  # 1-3 / 3,4,5 / 全部  ->  "1,2,3"
    PHONE = "电话"


@dataclass(frozen=True)
class Column:
    """One column of an input file.

    ``aliases`` are other headers that mean the same column (学生姓名 for 姓名). ``choices`` are
    the allowed values of a CHOICE column and ``choice_aliases`` maps what people type to them.
    ``default`` fills an empty optional cell. ``help`` is the 填写说明 line of the template.
    ``strict``: an optional column whose blank means the widest choice (every grade, every day),
    so an unreadable value stops its row instead of silently widening to that choice.
    """

    name: str
    kind: Kind = Kind.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    choice_aliases: tuple[tuple[str, str], ...] = ()
    default: object = None
    minimum: float | None = None
    maximum: float | None = None
    help: str = ""
    example: str = ""
    strict: bool = False


@dataclass(frozen=True)
class InputSpec:
    """One input of a term folder: ``stem`` is the file name without extension."""

    stem: str
    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    optional: bool = False
    help: str = ""
    # columns whose values must exist in another input: (column, other stem, other column)
    references: tuple[tuple[str, str, str], ...] = field(default=())
    # True when columns beyond the declared ones carry data of a known kind (satisfaction items)
    open_columns: bool = False
    # columns of which each row must fill at least one (an application names the child by 学号 or 姓名)
    at_least_one: tuple[str, ...] = ()
    # what a repeated key means: "error" (keep the first, the repeat is an error),
    # "keep_first" (keep the first, warn) or "keep_latest" (keep the latest submission, warn)
    on_duplicate: str = "error"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


_YESNO_HELP = "填“是”或“否”（也可填 √ / ×，空白视为“否”）"
_PHONE_ALIASES = ("手机", "手机号", "手机号码", "电话", "家长电话", "家长手机", "联系方式")
_GRADE_COL = Column(
    GRADE, Kind.GRADE, True, ("所在年级", "年 级"),
    help="一至六年级，可写“三年级”“3年级”“3”或“三”", example="三年级",
)
_CLASS_COL = Column(
    CLASS, Kind.CLASS, True, ("所在班级", "班 级", "班别", "班"),
    help="班号，可写“2班”“(2)班”“三年级2班”或“2”", example="2班",
)

STUDENTS = InputSpec(
    stem="students",
    title="学生名单",
    key=(STUDENT_ID,),
    help="全校学生名单，每名学生一行，由各班班主任填写、教务处汇总。",
    columns=(
        Column(STUDENT_ID, Kind.CODE, True, ("学籍号", "学生编号", "编号"),
               help="全校唯一的学号，不能重复", example="2025030201"),
        Column(NAME, Kind.TEXT, True, ("学生姓名", "名字", "学生"), help="学生姓名", example="张小明"),
        Column(GENDER, Kind.CHOICE, False, ("学生性别",), choices=("男", "女"),
               choice_aliases=(("男生", "男"), ("女生", "女"), ("M", "男"), ("F", "女")),
               help="男或女", example="男"),
        _GRADE_COL,
        _CLASS_COL,
        Column(PARENT_NAME, Kind.TEXT, False, ("监护人", "监护人姓名", "家长"),
               help="主要接送或联系的家长姓名", example="张建国"),
        Column(PHONE, Kind.PHONE, False, _PHONE_ALIASES, help="家长手机号，11位", example="13800001234"),
        Column(LEFT_BEHIND, Kind.YESNO, False, ("是否留守儿童", "留守"), default=False,
               help=_YESNO_HELP, example="否"),
        Column(HARDSHIP, Kind.YESNO, False, ("是否困难家庭", "家庭困难", "建档立卡", "低保"), default=False,
               help=_YESNO_HELP + "；须经学校认定", example="否"),
        Column(MIGRANT, Kind.YESNO, False, ("是否随迁子女", "随迁", "进城务工人员随迁子女"), default=False,
               help=_YESNO_HELP, example="否"),
        Column(REMARK, Kind.TEXT, False, ("说明",), help="其他需要说明的情况", example=""),
    ),
)

SURVEY = InputSpec(
    stem="survey",
    title="需求调查",
    key=(STUDENT_ID,),
    at_least_one=(STUDENT_ID, NAME),
    on_duplicate="keep_latest",
    references=((STUDENT_ID, "students", STUDENT_ID),),
    help="家长申请表，每份申请一行；可由问卷星、腾讯问卷导出后整理成本表。",
    columns=(
        Column(STUDENT_ID, Kind.CODE, False, ("学籍号", "学生学号", "孩子学号"),
               help="与学生名单一致的学号；家长不知道学号时可空着，按姓名、年级、班级对应", example="2025030201"),
        Column(NAME, Kind.TEXT, False, ("学生姓名", "孩子姓名"), help="学生姓名（学号和姓名至少填一项）", example="张小明"),
        Column(GRADE, Kind.GRADE, False, _GRADE_COL.aliases, help=_GRADE_COL.help, example="三年级"),
        Column(CLASS, Kind.CLASS, False, _CLASS_COL.aliases, help=_CLASS_COL.help, example="2班"),
        Column(JOIN, Kind.YESNO, True, ("是否参加", "是否参加课后服务", "参加", "是否报名"),
               help="家长是否申请参加课后服务：是或否", example="是"),
        Column(WEEKDAYS_COL, Kind.WEEKDAYS, False, ("参加星期", "星期", "参加日期", "服务星期"),
               help="参加哪几天，如“周一,周三,周五”；空白表示每个服务日都参加", example="周一,周三,周五", strict=True),
        Column(LEAVE_TIME, Kind.TEXT, False, ("离校时间", "接送时间", "接孩子时间"),
               help="家长希望接孩子的时段，如“17:00前”“18:00”", example="18:00"),
        Column(NOON_CARE, Kind.YESNO, False, ("午托", "午间托管服务"), default=None,
               help="是否需要午间托管：" + _YESNO_HELP, example="否"),
        Column(CHOICE_1, Kind.TEXT, False, ("第一志愿", "社团志愿1"), help="第一志愿的活动编号或名称", example="A01"),
        Column(CHOICE_2, Kind.TEXT, False, ("第二志愿", "社团志愿2"), help="第二志愿的活动编号或名称", example="A05"),
        Column(CHOICE_3, Kind.TEXT, False, ("第三志愿", "社团志愿3"), help="第三志愿的活动编号或名称", example=""),
        Column(MAX_CLUBS, Kind.INT, False, ("社团数", "最多参加社团数"), default=1, minimum=0, maximum=3,
               help="每周最多参加几个社团，空白为1", example="1"),
        Column(SIBLINGS, Kind.YESNO, False, ("兄弟姐妹同一社团", "兄弟姐妹同班", "同胞同社团"), default=False,
               help="兄弟姐妹都在本校报名社团时，是否希望安排在同一社团（同一社团或都不安排）：" + _YESNO_HELP, example="否"),
        Column(SUBMITTED_AT, Kind.DATETIME, False, ("提交答卷时间", "提交日期", "填写时间", "结束答题时间"),
               help="问卷提交时间，如 2025-08-30 21:05", example="2025-08-30 21:05"),
        Column(START_DATE, Kind.DATE, False, ("开始参加日期", "加入日期", "入托日期", "起始日期"),
               help="学期中途加入的学生从哪天起参加（由学校填写）；空白表示从学期第一天起参加，收费从这天起计算",
               example=""),
        Column(END_DATE, Kind.DATE, False, ("退出时间", "中途退出日期", "停止参加日期", "离开日期"),
               help="学期中途退出的学生最后参加的一天（含这一天，由学校填写）；空白表示参加到学期结束，"
                    "这天以后不再收费", example=""),
    ),
)

ACTIVITIES = InputSpec(
    stem="activities",
    title="活动清单",
    key=(ACTIVITY_ID,),
    help="本学期开设的课后服务活动（作业辅导、阅读、社团等），每项一行。",
    columns=(
        Column(ACTIVITY_ID, Kind.CODE, True, ("编号", "社团编号", "课程编号"),
               help="唯一编号，如 A01", example="A01"),
        Column(ACTIVITY_NAME, Kind.TEXT, True, ("名称", "社团名称", "课程名称", "项目名称"),
               help="活动名称", example="趣味篮球"),
        Column(CATEGORY, Kind.CHOICE, True, ("活动类别", "分类"), choices=CATEGORIES,
               choice_aliases=(("作业", "作业辅导"), ("看护", "作业辅导"), ("托管", "作业辅导"),
                               ("阅读类", "阅读"), ("艺术类", "艺术"), ("体育类", "体育"),
                               ("科技类", "科技"), ("人文类", "人文"), ("心理健康", "心理"),
                               ("音乐", "艺术"), ("美术", "艺术"), ("舞蹈", "艺术"), ("书法", "艺术"),
                               ("球类", "体育"), ("运动", "体育"), ("科学", "科技"), ("国学", "人文")),
               help="从下拉列表选：" + "、".join(CATEGORIES), example="体育"),
        Column(ELIGIBLE_GRADES, Kind.GRADES, False, ("年级", "面向年级", "适合年级"), default="1,2,3,4,5,6",
               help="可报名的年级，如“1-3”“3,4,5”或“全部”；空白为全部", example="3-6", strict=True),
        Column(CAPACITY_MAX, Kind.INT, True, ("人数", "限报人数", "名额", "最多人数"), minimum=1, maximum=500,
               help="每次活动最多容纳的学生数", example="30"),
        Column(CAPACITY_MIN, Kind.INT, False, ("最低人数", "开班人数"), default=0, minimum=0, maximum=500,
               help="报名不足此数则不开班；空白为不限", example="10"),
        Column(ACTIVITY_DAYS, Kind.WEEKDAYS, True, ("上课时间", "活动时间", "星期"),
               help="每周哪几天活动，如“周二,周四”", example="周二,周四"),
        Column(ROOM, Kind.TEXT, False, ("活动地点", "地点", "教室"), help="与场地表一致的场地名称", example="篮球场"),
        Column(ASSIGNED_TEACHER, Kind.TEXT, False, ("指导教师", "负责教师", "教师"),
               help="指定的负责人工号或姓名；空白由排班决定", example=""),
        Column(SKILL_NEEDED, Kind.TEXT, False, ("特长要求", "所需技能"),
               help="负责人需要的特长，如“篮球”", example="篮球"),
    ),
)

ROOMS = InputSpec(
    stem="rooms",
    title="场地",
    key=(ROOM,),
    help="可用于课后服务的教室和场地，每处一行。",
    columns=(
        Column(ROOM, Kind.TEXT, True, ("场地名称", "教室", "地点"), help="场地名称，全校唯一", example="三(2)班教室"),
        Column(ROOM_TYPE, Kind.TEXT, False, ("场地类型",), help="普通教室、功能室、室外等", example="普通教室"),
        Column(ROOM_CAPACITY, Kind.INT, True, ("可容纳人数", "座位数", "人数"), minimum=1, maximum=2000,
               help="最多可容纳的学生数", example="45"),
    ),
)

STAFF = InputSpec(
    stem="staff",
    title="教职工",
    key=(STAFF_ID,),
    help="参与课后服务的在职教师、退休教师、校外专业人员、志愿者和家长义工，每人一行。",
    columns=(
        Column(STAFF_ID, Kind.CODE, True, ("教师编号", "编号", "职工号"), help="唯一工号", example="T001"),
        Column(NAME, Kind.TEXT, True, ("教师姓名", "姓名 "), help="姓名", example="李老师"),
        Column(STAFF_TYPE, Kind.CHOICE, True, ("类型", "身份", "人员类别"), choices=STAFF_TYPES,
               choice_aliases=(("在职", "在职教师"), ("在编教师", "在职教师"), ("教师", "在职教师"),
                               ("退休", "退休教师"), ("外聘", "校外专业人员"), ("校外", "校外专业人员"),
                               ("外聘教师", "校外专业人员"), ("校外人员", "校外专业人员"),
                               ("志愿", "志愿者"), ("家长志愿者", "家长义工"), ("家长", "家长义工")),
               help="从下拉列表选：" + "、".join(STAFF_TYPES), example="在职教师"),
        Column(SKILLS, Kind.TEXT, False, ("专长", "特长项目"), help="可带的活动，多项用顿号分隔", example="篮球、书法"),
        Column(AVAILABLE_DAYS, Kind.WEEKDAYS, False, ("可服务时间", "服务日", "可值班日"),
               help="哪几天可以服务，如“周一,周三”；空白表示每个服务日都可以", example="周一,周二,周四", strict=True),
        Column(MAX_PER_WEEK, Kind.INT, False, ("每周次数", "每周最多"), default=None, minimum=0, maximum=7,
               help="每周最多服务几次；空白为不限", example="3"),
        Column(VETTING, Kind.CHOICE, False, ("资质", "审核状态", "资质审核情况"), choices=VETTING_STATES,
               choice_aliases=(("已通过", "通过"), ("合格", "通过"), ("审核通过", "通过"), ("不通过", "未通过"),
                               ("不合格", "未通过"), ("审核中", "待审核"), ("未审核", "待审核")),
               help="校外人员、志愿者必须“通过”后才能上岗：通过、未通过或待审核", example="通过"),
        Column(SAFETY_TRAINING, Kind.CHOICE, False, ("安全培训情况", "培训"), choices=TRAINING_STATES,
               choice_aliases=(("完成", "已完成"), ("是", "已完成"), ("已培训", "已完成"), ("否", "未完成"),
                               ("未培训", "未完成"), ("没有", "未完成")),
               help="是否完成课后服务安全培训：已完成或未完成", example="已完成"),
        Column(PHONE, Kind.PHONE, False, _PHONE_ALIASES, help="手机号，11位", example="13900001234"),
    ),
)

CALENDAR = InputSpec(
    stem="calendar",
    title="校历",
    key=(DATE,),
    optional=True,
    help="与国家法定节假日不同的本校安排：停课、放假、调休上课（须写明按周几课表）。法定节假日由工具自动识别，"
    "没有特殊安排的日子不必填写；工具尚未收录的年份，请在此填写当年的节假日和调休。",
    columns=(
        Column(DATE, Kind.DATE, True, ("日子", "时间"), help="日期，如 2025-10-11", example="2025-10-11"),
        Column(DAY_TYPE, Kind.CHOICE, True, ("安排", "日期类型"), choices=CALENDAR_TYPES,
               choice_aliases=(("假期", "放假"), ("休息", "放假"), ("节假日", "放假"), ("停止", "停课"),
                               ("补课", "调休上课"), ("补班", "调休上课"), ("调休", "调休上课"),
                               ("上班", "上课"), ("正常上课", "上课")),
               help="放假、停课、调休上课或上课", example="调休上课"),
        Column(FOLLOWS_WEEKDAY, Kind.WEEKDAY, False, ("课表", "按星期", "执行课表"),
               help="调休上课这天按周几的课表上课，如“周三”；不填则这天不开展课后服务", example="周三"),
        Column(NOTE, Kind.TEXT, False, ("备注", "原因"), help="说明，如“国庆节调休”", example="国庆节调休"),
    ),
)

ATTENDANCE = InputSpec(
    stem="attendance",
    title="考勤",
    key=(DATE, STUDENT_ID, ITEM),
    optional=True,
    on_duplicate="keep_first",
    references=((STUDENT_ID, "students", STUDENT_ID),),
    help="课后服务每日考勤，每名学生每天每个项目一行。",
    columns=(
        Column(DATE, Kind.DATE, True, ("考勤日期",), help="日期", example="2025-09-02"),
        Column(STUDENT_ID, Kind.CODE, True, ("学籍号",), help="学号", example="2025030201"),
        Column(ITEM, Kind.CODE, False, ("活动", "活动编号", "课程"), default=HOMEWORK_ITEM,
               help="“作业辅导”或社团的活动编号；空白为作业辅导", example="作业辅导"),
        Column(STATUS, Kind.CHOICE, True, ("考勤", "出勤情况", "考勤状态"), choices=ATTENDANCE_STATES,
               choice_aliases=(("到", "出勤"), ("√", "出勤"), ("已到", "出勤"), ("在", "出勤"), ("到校", "出勤"),
                               ("未到", "缺勤"), ("×", "缺勤"), ("旷课", "缺勤"), ("缺席", "缺勤"),
                               ("假", "请假"), ("病假", "请假"), ("事假", "请假")),
               help="出勤、缺勤或请假", example="出勤"),
        Column(SIGN_OUT, Kind.TIME, False, ("离校时间", "签退"), help="接走的时间，如 17:45", example="17:45"),
        Column(PICKED_UP_BY, Kind.TEXT, False, ("接送人", "接孩子人"), help="谁接走的", example="妈妈"),
        Column(HOMEWORK_DONE, Kind.CHOICE, False, ("作业完成情况", "书面作业完成", "完成作业", "作业是否完成"),
               choices=HOMEWORK_STATES,
               choice_aliases=(("是", "完成"), ("已完成", "完成"), ("√", "完成"), ("写完", "完成"), ("全部完成", "完成"),
                               ("否", "未完成"), ("×", "未完成"), ("没完成", "未完成"), ("部分完成", "未完成"),
                               ("未写完", "未完成")),
               help="作业辅导当天的书面作业是否在校内完成：完成或未完成；一、二年级没有书面作业，空着；不记录可以不要这一列",
               example="完成"),
    ),
)

INCIDENTS = InputSpec(
    stem="incidents",
    title="安全记录",
    optional=True,
    references=((STUDENT_ID, "students", STUDENT_ID),),
    help="课后服务期间发生的安全事件，每件一行；没有事件时保留空表。",
    columns=(
        Column(DATE, Kind.DATE, True, ("发生日期",), help="日期", example="2025-10-20"),
        Column(STUDENT_ID, Kind.CODE, False, ("学籍号",), help="涉及学生的学号", example="2025030201"),
        Column(INCIDENT_TYPE, Kind.CHOICE, True, ("事件类型",), choices=INCIDENT_TYPES,
               choice_aliases=(("受伤", "意外伤害"), ("摔伤", "意外伤害"), ("迟接", "未按时接领"),
                               ("未接", "未按时接领"), ("走丢", "走失")),
               help="意外伤害、未按时接领、走失或其他", example="未按时接领"),
        Column(LEVEL, Kind.CHOICE, False, ("严重程度", "级别"), choices=INCIDENT_LEVELS, default="一般",
               help="一般、较重或严重；空白为一般", example="一般"),
        Column(HANDLING, Kind.TEXT, False, ("处理结果", "处理"), help="如何处理的", example="值班教师看护至家长到校"),
    ),
)

SATISFACTION = InputSpec(
    stem="satisfaction",
    title="满意度调查",
    optional=True,
    open_columns=True,
    help="期末满意度问卷，每份答卷一行；除下列各列外，每个问题一列，答案为五级：" + "、".join(SATISFACTION_LEVELS) + "。",
    columns=(
        Column(RESPONDENT, Kind.CHOICE, True, ("填写人", "答题人身份", "您的身份"), choices=RESPONDENTS,
               choice_aliases=(("学生本人", "学生"), ("家长/监护人", "家长"), ("监护人", "家长"), ("老师", "教师")),
               help="学生、家长或教师", example="家长"),
        Column(GRADE, Kind.GRADE, False, _GRADE_COL.aliases, help="孩子所在年级（教师可不填）", example="三年级"),
        Column(CLASS, Kind.CLASS, False, _CLASS_COL.aliases, help="孩子所在班级（教师可不填）", example="2班"),
        Column(COMMENTS, Kind.TEXT, False, ("意见和建议", "建议", "其他意见"), help="意见建议，可不填", example=""),
    ),
)

EXPENSES = InputSpec(
    stem="expenses",
    title="经费支出计划",
    optional=True,
    help="本学期课后服务收费的支出计划，每项支出一行。收费只能用于参与服务人员的补助和服务中直接消耗的材料，"
    "不能用于水电费、场地使用费等学校公用开支。教师补助按排班自动计算，不必在此重复填写。",
    columns=(
        Column(ITEM, Kind.TEXT, True, ("支出项目", "项目名称", "用途", "支出内容"),
               help="支出的内容，写具体，如“美术社团画纸颜料”", example="美术社团画纸颜料"),
        Column(CATEGORY, Kind.TEXT, True, ("支出类别", "分类", "科目"),
               help="填写其中之一：" + "、".join(EXPENSE_CATEGORIES) + "；水电费、场地使用费等不能列支", example="耗材"),
        Column(AMOUNT, Kind.TEXT, True, ("支出金额", "金额（元）", "金额(元)", "预算金额"),
               help="金额（元），可有两位小数，如 1200.50", example="1200"),
        Column(MONTH, Kind.TEXT, False, ("支出月份", "月"),
               help="哪个月支出，写成 2025-10；空白表示整个学期的支出，按各月服务日数分摊到各月", example="2025-10"),
        Column(ACTIVITY_ID, Kind.CODE, False, ("社团编号", "活动"),
               help="某个活动专用的耗材，填写活动清单中的活动编号；全校共用的耗材空着", example="A05"),
        Column(NOTE, Kind.TEXT, False, ("备注",), help="其他说明，如采购方式", example="按实际采购结算"),
    ),
)

INPUTS: dict[str, InputSpec] = {
    spec.stem: spec
    for spec in (STUDENTS, SURVEY, ACTIVITIES, ROOMS, STAFF, CALENDAR, ATTENDANCE, EXPENSES, INCIDENTS, SATISFACTION)
}
"""All table inputs of a term folder, in the order a team fills them in."""

SETTINGS_FILE = "settings.yaml"
TABLE_SUFFIXES = (".xlsx", ".xls", ".csv")

# Columns of the term calendar (afterschool_lib.term_calendar): one row per date of the term.
DAY_IS_SERVICE = "是否服务"
DAY_KIND = "日期类型"
DAY_SEASON = "时段"
DAY_START = "开始"
DAY_END = "结束"
DAY_WEEKDAY = "星期"
