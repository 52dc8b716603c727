"""The term's implementation plan (课后服务实施方案), written from the term's own data.

The five seeds are plans of this kind, and education bureaus expect their order: guiding idea,
principles, targets, organisation, who is served, when, what, how it is carried out, staff, fees,
safety, and how it is assured and evaluated. Every number here (days, groups, clubs, people,
money, dates) comes from the term record; the sentences around them are the kit's own.

:func:`build_plan` returns a :class:`documents.Doc`; documents.py renders it to Word and HTML.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd

from . import evaluation as ev
from . import fees
from . import staffing as sf
from .documents import Doc, Heading, Items, Paragraph, Picture, Signature, Table
from .schema import (
    ACTIVITY_NAME, CATEGORY, DATE, DAY_WEEKDAY, FOLLOWS_WEEKDAY, GRADE, HARDSHIP, LEFT_BEHIND,
    GRADE_NAMES, MIGRANT, NOTE, STAFF_TYPE, STAFF_TYPES, STUDENT_ID, SUBMITTED_AT,
)
from .survey import joining
from .term_calendar import MAKEUP_WORKDAY, STATUTORY_HOLIDAY, SUSPENDED
from .term_setup import month_summary

PLAN_FILE_STEM = "课后服务实施方案"
SECTIONS = ("指导思想", "基本原则", "工作目标", "组织机构与职责", "服务对象", "服务时间", "服务内容", "组织实施",
            "师资安排", "收费与经费", "安全管理", "保障与考核")
"""The plan's first-level headings, in order (the tests look for each)."""

_PRIORITY = (LEFT_BEHIND, HARDSHIP, MIGRANT)


def _date(day: dt.date | pd.Timestamp) -> str:
    day = pd.Timestamp(day)
    return f"{day.year}年{day.month}月{day.day}日"


def _short(day: dt.date | pd.Timestamp) -> str:
    day = pd.Timestamp(day)
    return f"{day.month}月{day.day}日"


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f} 元"


def sign_date(record) -> dt.date:
    """The plan is issued a week before the term starts, when families are told about it."""
    return record.settings.term_start - dt.timedelta(days=7)


# --- the sections ---------------------------------------------------------------------------------


def _guiding(record) -> list:
    school = record.settings.school_name or "我校"
    return [Heading("指导思想"), Paragraph(
        "以立德树人为根本任务，落实减轻义务教育阶段学生作业负担和校外培训负担的要求，把课后服务作为学校教育的延伸："
        "在正常放学之后为有需要的家庭提供看护，帮助学生在校内完成书面作业，并通过丰富的社团活动发展兴趣特长，"
        f"解决家长按时接送孩子的实际困难。{school}结合本校场地、师资和家长需求，统筹安排本学期课后服务工作。")]


def _principles() -> list:
    return [
        Heading("基本原则"),
        Heading("安全第一", 2),
        Paragraph("把学生安全放在首位，落实值班、点名、签退和交接制度，场地和器材定期检查，服务期间每个组都有负责的成人。"),
        Heading("家长自愿", 2),
        Paragraph("是否参加由家长决定，经家长申请、班级审核、学校复核后统筹安排，并签订协议书；学期中可以申请加入或退出，不得以任何方式强制或变相强制。"),
        Heading("公益普惠", 2),
        Paragraph("课后服务坚持公益属性，收费按核定标准、据实结算，优先保障留守儿童、困难家庭和随迁子女等群体，困难家庭按规定减免。"),
        Heading("规范管理", 2),
        Paragraph("服务时间内不讲授新课、不组织集体补课和考试；一、二年级不布置书面作业，其他年级书面作业控制在60分钟以内；"
                  "校外人员须资质审核通过并完成安全培训后方可上岗，收费和经费使用按规定公示。"),
    ]


def _targets(record) -> list:
    rows = []
    for name, value in record.settings.targets:
        rows.append((name, ev.target_text({ev.INDICATOR: name, ev.TARGET: value}), ev.DEFINITIONS.get(name, "")))
    table = pd.DataFrame(rows, columns=["指标", "目标", "计算方法"])
    return [Heading("工作目标"),
            Paragraph("本学期课后服务力争做到家长放心、学生喜欢、社会认可，学期末对照以下目标逐项评价，评价结果向家长公布："),
            Table(table, title="表1　本学期课后服务工作目标", widths_cm=(3.6, 2.8, 9.2), font_size_pt=10.5)]


def _organisation(record) -> list:
    settings = record.settings
    leader, deputy, members = settings.role("组长"), settings.role("副组长"), settings.role("成员")
    blocks = [Heading("组织机构与职责"), Heading("领导小组", 2)]
    parts = []
    if leader:
        parts.append(f"组长：{leader}")
    if deputy:
        parts.append(f"副组长：{deputy}")
    if members:
        parts.append("成员：" + "、".join(members if isinstance(members, (list, tuple)) else [str(members)]))
    parts = [p.replace("(", "（").replace(")", "）") for p in parts]  # names typed with ASCII brackets
    if parts:
        blocks.append(Paragraph("学校成立课后服务工作领导小组，统筹本学期课后服务的组织、管理和监督。" + "；".join(parts) + "。"))
    else:
        blocks.append(Paragraph("学校成立课后服务工作领导小组，由校长任组长，统筹本学期课后服务的组织、管理和监督（名单另行公布）。"))
    if settings.duties:
        details = {"审核报名": "组织家长申请，班级审核和学校复核，建立参加学生名单",
                   "内容与师资": "制定服务内容和活动清单，分组编班，安排教师和校外人员，检查作业辅导和社团活动质量",
                   "安全管理": "组织安全培训，安排每日值班，落实签退、接领和应急处置",
                   "场地与物资": "保障场地、设备和耗材，负责收费结算和经费管理的具体事务"}
        table = pd.DataFrame([(dept, duty, details.get(duty, "")) for dept, duty in settings.duties],
                             columns=["部门", "职责", "具体工作"])
        blocks += [Heading("部门分工", 2), Paragraph("各部门按分工各负其责、相互配合："),
                   Table(table, title="表2　部门分工", widths_cm=(2.6, 3.0, 10.0))]
    return blocks


def _served(record) -> list:
    people = record.groups.people
    students = record.frame("students")
    applied = joining(people.applications)
    taking = people.taking_part
    by_grade = pd.DataFrame({
        "年级": list(GRADE_NAMES),
        "全校学生": [int((students[GRADE] == g).sum()) for g in range(1, 7)],
        "申请参加": [int(applied.loc[applied[GRADE] == g, STUDENT_ID].nunique()) for g in range(1, 7)],
        "安排参加": [int((taking[GRADE] == g).sum()) for g in range(1, 7)],
    })
    by_grade = by_grade[by_grade["全校学生"] > 0]
    total = pd.DataFrame([("合计", int(by_grade["全校学生"].sum()), int(by_grade["申请参加"].sum()), int(by_grade["安排参加"].sum()))],
                         columns=by_grade.columns)
    by_grade = pd.concat([by_grade, total], ignore_index=True)
    priority = [f"{group} {int(taking[group].eq(True).sum())} 人" for group in _PRIORITY if group in taking]
    blocks = [Heading("服务对象"),
              Paragraph(f"本校一至六年级有课后服务需求的学生，由家长自愿申请。全校学生 {len(students)} 人，"
                        f"申请参加 {int(total.iloc[0]['申请参加'])} 人，经审核安排参加 {len(taking)} 人。"),
              Table(by_grade, title="表3　各年级申请和参加人数", widths_cm=(3.0, 4.0, 4.0, 4.0))]
    if priority:
        blocks.append(Paragraph("留守儿童、困难家庭学生和随迁子女优先安排，低年级学生优先安排；参加学生中"
                                + "、".join(priority) + "。困难家庭学生按学校认定的名单减免费用。"))
    blocks.append(Paragraph("学期中确有需要的家庭可以随时申请加入，也可以申请退出；已经安排的学生不因他人加入而调整。"))
    return blocks


def _time(record) -> list:
    settings, calendar = record.settings, record.calendar
    days = calendar.days
    service = days[days["是否服务"]]
    seasons = "；".join(f"{s.name}（{_short(s.start_date)}起）{s.start}—{s.end}" for s in settings.seasons)
    months = month_summary(calendar)[["月份", "课后服务日", "其中调休上课", "法定节假日", "停课", "服务时段"]]
    blocks = [Heading("服务时间"),
              Paragraph(f"本学期自{_date(settings.term_start)}至{_date(settings.term_end)}，每周"
                        + "、".join(settings.service_weekday_names) + f"开展课后服务，每天 {settings.periods_per_day} 课时，"
                        f"在正常放学后进行，结束时间不早于当地正常下班时间。每日时段随季节调整：{seasons}。"),
              Paragraph(f"按校历计算，本学期共有课后服务日 {len(service)} 天（{_date(service[DATE].min())}开始，"
                        f"{_date(service[DATE].max())}结束），法定节假日、学校停课日和假期不开展服务。")]
    notes = []
    holidays = days[days["日期类型"] == STATUTORY_HOLIDAY]
    for name, group in holidays.groupby(NOTE, sort=False):
        first, last = group[DATE].min(), group[DATE].max()
        notes.append(f"{name or '法定节假日'}：{_short(first)}" + (f"至{_short(last)}" if last != first else "") + "放假")
    for _, day in days[days["日期类型"] == SUSPENDED].iterrows():
        notes.append(f"{_short(day[DATE])}停课（{day[NOTE] or '学校安排'}）")
    for _, day in days[(days["是否服务"]) & (days[FOLLOWS_WEEKDAY] != "") & (days[FOLLOWS_WEEKDAY] != days[DAY_WEEKDAY])].iterrows():
        notes.append(f"{_short(day[DATE])}（{day[DAY_WEEKDAY]}）调休上课，按{day[FOLLOWS_WEEKDAY]}课表开展服务")
    for _, day in days[days["日期类型"] == MAKEUP_WORKDAY].iterrows():
        notes.append(f"{_short(day[DATE])}调休上课，校历未写明按周几课表，当天不开展课后服务")
    if notes:
        blocks.append(Paragraph("本学期的节假日、停课和调休安排：" + "；".join(notes) + "。"))
    blocks.append(Table(months, title="表4　各月课后服务日", font_size_pt=10))
    return blocks


def _content(record) -> list:
    groups = record.groups
    care = groups.care.groups
    weekly = care.groupby("星期", sort=False).size()
    clubs = groups.clubs
    open_clubs = clubs[clubs["状态"] == "开班"]
    by_category = open_clubs.groupby(CATEGORY, sort=False).agg(
        开班数=(ACTIVITY_NAME, "size"), 活动=(ACTIVITY_NAME, lambda s: "、".join(s)), 参加人数=("已分配", "sum")).reset_index()
    by_category = by_category.rename(columns={CATEGORY: "类别"})
    blocks = [Heading("服务内容"), Heading("作业辅导与看护", 2),
              Paragraph(f"每个服务日按年级（人数少时混龄）编成看护组，每组不超过 {record.settings.group_size} 人，"
                        f"每周共 {len(care)} 个组次（" + "、".join(f"{d} {n} 个" for d, n in weekly.items()) + "），"
                        "安排固定教室和负责教师。看护组先完成当天的书面作业，教师答疑、辅导有困难的学生，"
                        "完成后开展阅读、益智游戏等活动；一、二年级不布置书面作业，以阅读和游戏为主。")]
    blocks += [Heading("社团活动", 2),
               Paragraph(f"本学期开设社团活动 {len(open_clubs)} 个，共安排 {int(open_clubs['已分配'].sum())} 人次参加，"
                         "覆盖体育、艺术、科技、人文、阅读等类别。学生按志愿报名，名额不足时按公开的规则分配：优先群体优先，"
                         "同等条件下按公布随机种子生成的抽签号，分配结果班级公示、可以复核。"),
               Table(by_category, title="表5　社团活动安排", widths_cm=(2.0, 1.8, 9.8, 2.0), font_size_pt=10)]
    cancelled = clubs[clubs["状态"] != "开班"]
    if len(cancelled):
        blocks.append(Paragraph("报名或分配人数不足、本学期暂不开班的活动：" + "、".join(cancelled[ACTIVITY_NAME]) + "，下学期视需求再开设。"))
    blocks.append(Paragraph("服务时间内不讲授新课、不组织集体补课和考试，不以课后服务名义收取其他费用。"))
    return blocks


def _steps(record) -> list:
    settings, calendar = record.settings, record.calendar
    service = calendar.days[calendar.days["是否服务"]][DATE]
    first, last = service.min(), service.max()
    survey = record.frame("survey")
    submitted = pd.to_datetime(survey[SUBMITTED_AT], errors="coerce").dropna() if survey is not None and SUBMITTED_AT in survey else pd.Series(dtype="datetime64[ns]")
    before = submitted[submitted < pd.Timestamp(settings.term_start)]
    open_from = before.min() if len(before) else pd.Timestamp(settings.term_start) - pd.Timedelta(days=14)
    open_to = before.max() if len(before) else pd.Timestamp(settings.term_start) - pd.Timedelta(days=7)
    review_from, review_to = open_to + pd.Timedelta(days=1), pd.Timestamp(first) - pd.Timedelta(days=1)
    same_week = review_to < review_from  # service starts the day after the survey closes: review in the first week
    if same_week:
        review_from, review_to = pd.Timestamp(first), pd.Timestamp(first) + pd.Timedelta(days=4)
    return [
        Heading("组织实施"),
        Heading(f"宣传发动，需求调查（{_short(open_from)}—{_short(open_to)}）", 2),
        Paragraph("通过致家长的一封信和班级群说明本学期课后服务的时间、内容、收费和安全要求，家长通过问卷提交申请，"
                  "填写参加的服务日、离校时段和社团志愿。"),
        Heading(f"审核编班，签订协议（{_short(review_from)}—{_short(review_to)}）", 2),
        Paragraph("班主任逐一核实本班申请（班级审核），学校汇总复核（学校复核），统筹编排看护组、分配社团名额、安排教师；"
                  "分组和社团名单在班级公示，家长与学校签订课后服务协议书。"
                  + ("审核在开学第一周内完成，其间已申请的学生先参加看护和作业辅导。" if same_week else "")),
        Heading(f"组织实施，过程管理（{_short(first)}—{_short(last)}）", 2),
        Paragraph("按课表开展看护、作业辅导和社团活动，每日考勤、签退，值班教师在岗；每月按实际出勤结算费用并公示；"
                  "学期中加入、退出的学生按实际服务日结算。"),
        Heading(f"总结评价，表彰改进（{_short(last + pd.Timedelta(days=1))}—{_short(settings.term_end)}）", 2),
        Paragraph("开展学生、家长和教师满意度调查，对照工作目标逐项评价，对服务人员进行考评并表彰优秀，"
                  "汇总意见建议，改进下学期的课后服务。"),
    ]


def _staff(record) -> list:
    duties = record.staffing.duties
    staff = record.frame("staff")
    serving = duties.drop_duplicates(sf.STAFF_ID)
    by_type = serving[STAFF_TYPE].value_counts()
    counts = "、".join(f"{t} {int(by_type[t])} 人" for t in STAFF_TYPES if t in by_type)
    subsidy = record.subsidies
    total = fees.money_sum(subsidy[sf.AMOUNT]) if len(subsidy) else Decimal("0.00")
    duty_days = record.settings.duty_per_day
    trained = int((staff["安全培训"] == "已完成").sum())
    return [
        Heading("师资安排"),
        Paragraph(f"本学期参与课后服务的人员共 {len(serving)} 人：{counts}。看护组的第一负责人由在职或退休教师担任，"
                  f"社团尽量由特长相符的教师或校外专业人员指导；每个服务日安排 {duty_days} 名在职教师值班，"
                  "负责巡查和看护未按时接走的学生。"),
        Paragraph(f"所有人员须完成课后服务安全培训后上岗（教职工名单 {len(staff)} 人中已完成 {trained} 人，未完成的先培训后上岗）；"
                  "退休教师、校外专业人员、志愿者和家长义工须资质审核通过。排班兼顾每人的可服务日和每周次数，工作量尽量均衡。"),
        Paragraph(f"参与服务的教职工按每课时 {_yuan(record.settings.subsidy_per_period)}发放补助，值班按规定折算课时，"
                  f"按实际服务日逐月计算，本学期预计发放补助 {_yuan(total)}，从课后服务收费中列支，计入教师工作量，"
                  "作为绩效考核和评优评先的依据。"),
    ]


def _fees(record) -> list:
    settings = record.settings
    plan = record.fees
    if settings.fee.is_free:
        return [Heading("收费与经费"), Paragraph("本学期课后服务不向家长收费，所需经费由财政补助和学校统筹解决。")]
    totals = plan.ledger.totals()
    waived_students = int(plan.ledger.rows.loc[plan.ledger.rows[fees.WAIVED] > 0, STUDENT_ID].nunique())
    by_month = plan.budget.by_month
    total_row = by_month[by_month[fees.MONTH] == fees.TOTAL_LABEL]
    spending = {c: total_row.iloc[0][c] for c in by_month.columns if c in fees.BUDGET_COLUMNS} if len(total_row) else {}
    budget = pd.DataFrame([(k, v) for k, v in spending.items() if k not in (fees.MONTH, fees.RUNNING_BALANCE)],
                          columns=["项目", "金额（元）"])
    basis = plan.options.fee_basis
    return [
        Heading("收费与经费"),
        Paragraph(f"收费标准：{fees.standard_text(settings.fee)}" + (f"（依据：{basis}）" if basis else "") + "。"
                  f"结算办法：{fees.settlement_text(settings.fee, plan.options, settings.periods_per_day)}。"
                  f"减免：{fees.waiver_text(settings.fee)}。"),
        Paragraph(f"按本学期的参加名单和服务日测算，应收 {_yuan(totals[fees.DUE])}，减免 {_yuan(totals[fees.WAIVED])}"
                  f"（{waived_students} 名学生），实收 {_yuan(totals[fees.PAID])}。学生中途退出的，按实际参加的服务日结算，多收部分退还。"),
        Paragraph(fees.SPENDING_RULE.rstrip("。") + "。收费标准、收支情况每学期公示，接受家长和社会监督。"),
        Table(budget, title="表6　本学期经费收支测算", widths_cm=(6.0, 5.0)),
    ]


def _safety(record) -> list:
    return [
        Heading("安全管理"),
        Items((
            "落实安全责任：领导小组对课后服务安全负总责，看护组和社团的负责教师对本组学生负直接责任，值班教师负责巡查和应急处置。",
            "严格考勤签退：每次活动开始时点名，缺席的当即联系家长；学生由家长或家长委托的人接领并签退，不得交给陌生人，"
            "未按时接走的学生由值班教师看护，直到家长到校。",
            "规范活动管理：室外活动前检查场地和器材，做好热身；恶劣天气改在室内；体育类社团签订室外活动安全责任协议书。",
            "做好应急准备：建立学生意外伤害等突发事件的处置流程，校医或卫生老师在岗，事故及时处置、记录和报告。",
            "加强人员管理：校外人员持证上岗、入校登记，全体服务人员接受安全培训；建议家长为孩子购买意外伤害保险。",
        )),
    ]


def _assurance(record) -> list:
    rule = ev.CommendationRule.from_settings(record.settings)
    blocks = [
        Heading("保障与考核"),
        Heading("制度保障", 2),
        Paragraph("建立家长申请和审核、考勤签退、值班巡查、安全管理、收费公示和意见反馈等制度，课后服务的各项记录按学期归档。"
                  "设立意见箱和反馈电话，家长和学生的意见建议定期汇总、及时回复。"),
        Heading("考核评价", 2),
        Paragraph("学期末开展学生、家长、教师满意度调查，对照工作目标逐项评价；服务人员的服务次数、所负责组的出勤和满意度纳入考核。"
                  + rule.text().replace("可在学期设置的“表彰”一段修改。", "")),
    ]
    evaluation = record.evaluation
    if evaluation is not None:
        blocks += [Heading("本学期评价情况（学期末补充）", 2)]
        blocks += [Paragraph(p) for p in ev.summary_paragraphs(evaluation)]
        blocks.append(Table(ev.targets_view(evaluation.targets).drop(columns=[f"{ev.NUMERATOR} / {ev.DENOMINATOR}"]),
                            title="表7　目标达成情况", font_size_pt=10))
        from .evaluation_files import figures, png_bytes

        chart = figures(evaluation).get("各项指标与目标")
        if chart is not None:
            blocks.append(Picture(png_bytes(chart), 15.0, "图1　各项指标与目标"))
    return blocks


def build_plan(record) -> Doc:
    """The 实施方案 of the term in ``record`` (term_state.TermRecord)."""
    settings = record.settings
    school = settings.school_name or "本校"
    blocks = [Paragraph(f"为做好本学期课后服务工作，满足家长按时接送和学生全面发展的需要，根据上级关于做好中小学生课后服务工作的要求，"
                        f"结合{school}实际，制定本方案。")]
    for part in (_guiding(record), _principles(), _targets(record), _organisation(record), _served(record),
                 _time(record), _content(record), _steps(record), _staff(record), _fees(record), _safety(record),
                 _assurance(record)):
        blocks += part
    blocks.append(Signature(school, sign_date(record)))
    return Doc(title=f"{school}{settings.term_name}\n课后服务实施方案", blocks=tuple(blocks), file_stem=PLAN_FILE_STEM,
               summary="实施方案：指导思想、原则、目标、组织、对象、时间、内容、实施步骤、师资、收费、安全、考核")
