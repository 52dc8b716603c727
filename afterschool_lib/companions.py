"""Step 06, the companion documents of the 实施方案: what families receive and what staff fill in.

The seeds hand out, beside the plan, a letter to parents (seed 001), a per-term agreement between
family and school with the rights and duties of both (seeds 000, 001), a notice of the clubs and
a separate safety agreement for the outdoor ones (seed 004), the 收费公示 (seed 002 第十九条) and,
for the staff, a daily 服务记录表 (seeds 000 and 004: place, teacher, content, how it went).

Every fact printed here is read from the :class:`~afterschool_lib.term_state.TermRecord`: dates
and counts from the term calendar, times and fees from the settings, clubs, groups and teachers
from the groups and the duties, fee wording from :mod:`fees` (so the letter, the agreement and
the 收费公示 cannot disagree with the ledger). A template number would go stale the first term a
school changes its fee or its timetable, and parents would hold the school to it.

Documents that go to families are ``public``: they name no child and no parent. The agreements
carry blank lines for the family to fill in by hand; the class lists mask names (张*明) and show
no 学号. Staff names may be printed (a parent needs to know who runs the club). The service-record
workbook is internal and carries no child data at all, only group sizes.

All functions are pure except :func:`write_service_records`, the one writer.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment

from . import allocation as al
from . import care_groups as cg
from . import fees
from . import normalize as nz
from . import staffing as sf
from . import term_calendar as tc
from .documents import Doc, Heading, Items, PageBreak, Paragraph, Signature, Table
from .files import write_bytes_atomic
from .masking import mask_name
from .official_docx import chinese_date
from .schema import (
    ACTIVITY_DAYS,
    ACTIVITY_ID,
    ACTIVITY_NAME,
    CATEGORIES,
    CATEGORY,
    CHOICES,
    CLASS,
    DATE,
    DAY_IS_SERVICE,
    DAY_KIND,
    DAY_WEEKDAY,
    ELIGIBLE_GRADES,
    FOLLOWS_WEEKDAY,
    GRADE,
    HARDSHIP,
    LEFT_BEHIND,
    MIGRANT,
    NAME,
    NOTE,
    ROOM,
    ROOM_TYPE,
    STUDENT_ID,
    WEEKDAY_NAMES,
)
from .term_state import TermRecord
from .workbooks import list_sheet, new_workbook, rule_cells, workbook_bytes

__all__ = [
    "SERVICE_RECORDS_FILE", "class_club_lists", "club_notice", "companion_documents", "fee_notice",
    "outdoor_clubs", "outdoor_safety_agreement", "parent_letter", "service_agreement",
    "service_record_sheets", "service_records_bytes", "write_service_records",
]

SERVICE_RECORDS_FILE = "服务记录表.xlsx"
AGREEMENT_TITLE = "课后服务协议书"
OUTDOOR_TITLE = "室外活动安全责任协议书"
BLANK = "＿＿＿＿＿＿＿＿"  # a line to write on: full-width, so it keeps its length in 仿宋
DATE_BLANK = "　　年　　月　　日"
BODY_LINE_CHARS = 28  # characters on a line of 3号 body text (GB/T 9704, official_docx)
TWO_UP_FROM = 22  # longer class lists are set in two halves side by side, to fit one page
NOT_PLACED = "暂未分配"  # asked for a club, none given yet: waits for a place
NO_CLUB = "未报名社团"  # asked for no club: takes part in care and homework only

# service-record columns (seeds 000 看管记录, 004 服务记录: place, teacher, content, result)
REC_DATE, REC_ROOM, REC_TEACHER, REC_CONTENT = "日期", "场地", "负责教师", "活动内容"
REC_EXPECTED, REC_PRESENT, REC_ABSENT = "应到人数", "实到人数", "请假/缺勤"
REC_HANDOVER, REC_SIGNATURE = "交接情况（接领、未接学生交值班教师）", "教师签名"
RECORD_COLUMNS = (REC_DATE, REC_ROOM, REC_TEACHER, REC_CONTENT, REC_EXPECTED, REC_PRESENT, REC_ABSENT,
                  REC_HANDOVER, REC_SIGNATURE)
# widths in Excel characters of the columns written by hand, so there is room to write
_WRITING_WIDTHS = {REC_DATE: 19, REC_ROOM: 12, REC_TEACHER: 10, REC_CONTENT: 26, REC_EXPECTED: 8,
                   REC_PRESENT: 8, REC_ABSENT: 16, REC_HANDOVER: 26, REC_SIGNATURE: 10}
_WRITING_ROW_HEIGHT = 26  # points: a row a teacher can write two short lines into

PRIORITY_GROUPS = (LEFT_BEHIND, HARDSHIP, MIGRANT)  # DESIGN 5: served first, then the lower grades
APPLICATION_STEPS = ("家长申请", "班级审核", "学校复核", "统筹安排", "班级公示")


# === the companion documents in order =============================================================

def companion_documents(record: TermRecord) -> tuple[Doc, ...]:
    """The six documents step 06 writes beside the plan, always in this order: letter, agreement,
    club notice, outdoor agreement, fee notice, class lists (the order they are handed out in)."""
    return (parent_letter(record), service_agreement(record), club_notice(record),
            outdoor_safety_agreement(record), fee_notice(record), class_club_lists(record))


# === 1. the letter ================================================================================

def parent_letter(record: TermRecord) -> Doc:
    """致家长的一封信 (seed 001): why the school offers the service, who may join, when, what, what
    it costs, how to apply, how children are handed over, whom to ask. Dated the last working day
    before the term, since families read it before they apply."""
    settings = record.settings
    school = settings.school_name
    blocks: list = [
        Paragraph("尊敬的各位家长：", indent=False),
        Paragraph(f"您好！为落实“双减”工作要求，帮助家长解决放学后按时接送孩子的困难，让孩子在校园里安全、充实地度过"
                  f"放学后的时光，{school}{settings.term_name}开展课后服务。现将有关事项告知如下，请您仔细阅读，"
                  "根据家庭的实际需要自愿选择。"),
        Heading("服务对象"),
        Paragraph("课后服务面向本校有需要的学生，坚持家长自愿、学校受托的原则，学校不以任何方式强制或变相强制学生参加。"
                  f"名额、场地和师资需要统筹时，优先保障{_priority_text()}和低年级学生。"),
        Heading("服务时间"),
        Paragraph(_time_text(record)),
        Paragraph(_calendar_text(record)),
        Heading("服务内容"),
        Heading("作业辅导与看护", 2),
        Paragraph(_care_text(record)),
        Heading("社团活动", 2),
        Paragraph(_clubs_text(record)),
        Heading("收费与减免"),
        *[Paragraph(text) for text in _fee_sentences(record)],
        Heading("报名办法"),
        Paragraph(f"课后服务按照“{'、'.join(APPLICATION_STEPS)}”的程序组织，以学期为周期实施："),
        Items((
            "家长申请：家长根据需要填写课后服务申请，选定孩子参加服务的日子，想参加社团的同时填报社团志愿。",
            "班级审核：班主任核对申请的学生和服务日，汇总后报学校。",
            "学校复核：学校复核申请，并根据场地、师资统筹编排看护组、安排社团。",
            "班级公示：编组和社团安排在班级公示，公示名单中学生姓名隐去部分字。",
            (f"签订协议：家长与学校签订《{AGREEMENT_TITLE}》后开始服务，协议每学期签订一次。"
            "学期中途需要参加或退出的，请向班主任提出申请。"),
        )),
        Heading("安全与接送"),
        Paragraph(_safety_text(record)),
        Paragraph("为保障孩子在校期间的安全，请家长为孩子办理学生意外伤害保险；孩子有特殊体质、疾病或过敏史的，"
                  "请在申请时如实告知班主任。"),
        Heading("联系方式"),
        Paragraph("对课后服务有疑问或建议的，请与班主任联系，也可以到学校办公室咨询。学校将认真听取家长的意见，"
                  "不断改进服务。"),
        Paragraph("孩子的健康成长需要学校和家庭共同努力。感谢您对学校工作的理解和支持！"),
        Signature(school, _before_term(settings.term_start)),
    ]
    return Doc(f"{school}课后服务\n致家长的一封信", tuple(blocks), file_stem="致家长的一封信",
               subtitle=f"（{settings.term_name}）",
               summary=f"致家长的一封信：服务时间、内容、收费、报名办法和接送安全（{record.calendar.service_day_count} 个服务日）")


# === 2. the agreement =============================================================================

def service_agreement(record: TermRecord) -> Doc:
    """课后服务协议书 between school (甲方) and family (乙方), one per child and term (seeds 000,
    001). The family's part is blank lines to fill by hand: the school prints one form for all."""
    settings = record.settings
    school = settings.school_name
    rule = settings.fee
    lines = _fee_lines(record)
    weekday_boxes = "　".join(f"□{day}" for day in settings.service_weekday_names)
    fee_items = (("本学期课后服务免费，甲方不收取任何费用。",) if rule.is_free else (
        f"收费标准：{lines['收费标准']}{_basis_clause(lines)}。",
        f"结算办法：{lines['结算方式']}。",
        f"减免政策：{_waiver_sentence(lines['减免政策'])}",
        f"学期中途加入或退出的，{lines['中途加入或退出']}。",
        "甲方不在上述标准之外以任何名义收取其他费用。",
    ))
    school_items = [
        "按本协议提供课后服务，每个看护组和社团每天都安排负责教师"
        + (f"，每个服务日另安排{settings.duty_per_day}名值班教师" if settings.duty_per_day else "") + "。",
        "保证服务场地和设施设备安全，定期开展安全检查，发现隐患及时排除。",
        "对服务中可能存在的风险，向乙方和学生履行告知、提示和警示义务；不组织存在较大安全风险的活动。",
        "不把课后服务变为集体教学或补课，不讲授新课，不组织考试。",
        "参与服务的校外人员须经资质审核并完成安全培训，所有服务人员服从学校管理。",
        "做好考勤和服务记录；学生未到、身体不适或发生意外时，及时处置并通知乙方。",
        "按规定公示收费和经费使用情况，听取乙方的意见和建议。",
        "乙方或学生严重违反本协议、经劝告仍不改正的，甲方在告知乙方后可以终止服务。",
    ]
    family_items = [
        "自愿为子女申请课后服务，如实提供学生的健康状况；学生有特殊体质、疾病或过敏史的，应书面告知甲方。",
        "为子女办理学生意外伤害保险。",
        "服务结束时按时到校接领并签退；委托他人接领的，应事先告知班主任；同意学生自行回家的，应向甲方书面说明。",
        "承担学生往返学校途中和离校后的安全监护责任。",
        "教育子女遵守学校纪律，服从教师管理，爱护公共设施。",
        *([] if rule.is_free else ["按规定缴纳服务费用。"]),
        "了解孩子参加服务的情况，对服务提出意见和建议；对服务不满意的，有权退出服务。",
    ]
    outdoor = outdoor_clubs(record)
    safety = ("甲方在服务期间对学生负有教育、管理和保护责任，学生离校后的安全由乙方负责。服务结束后未按时接走的学生，"
              "由值班教师在校看护至乙方到校，乙方应尽快接领。学生在服务期间发生伤害事故的，依照《学生伤害事故处理办法》"
              "等有关规定处理。")
    if len(outdoor):
        safety += f"参加室外场地社团活动的，双方另签《{OUTDOOR_TITLE}》。"
    blocks = [
        Paragraph(f"甲方（学校）：{school}", indent=False),
        Paragraph(f"乙方（学生家长或监护人）：{BLANK}", indent=False),
        Paragraph(f"学生姓名：{BLANK}　班级：{BLANK}", indent=False),
        Paragraph(f"家长姓名：{BLANK}　联系电话：{BLANK}", indent=False),
        Paragraph("为做好课后服务工作，明确学校和家庭的权利、义务和责任，经乙方自愿申请、甲方审核同意，双方本着平等自愿、"
                  "相互配合的原则，就乙方子女参加甲方课后服务的有关事项达成如下协议。"),
        Heading("服务内容和时间"),
        Items((
            f"服务时间：{_time_text(record, lead='')}",
            (f"服务日数：按照学校校历，本学期共安排课后服务{record.calendar.service_day_count}天；法定节假日、学校放假和"
            "停课的日子不开展服务，具体日期见《致家长的一封信》和学校校历。"),
            f"乙方选择的服务日（请在方框内打“√”）：{weekday_boxes}",
            f"服务内容：{_content_clause(record)}参加的社团以学校班级公示的名单为准。",
        )),
        Heading("服务费用"),
        Items(fee_items),
        Heading("甲方的权利和义务"),
        Items(tuple(school_items)),
        Heading("乙方的权利和义务"),
        Items(tuple(family_items)),
        Heading("退出服务"),
        Paragraph("乙方需要退出服务的，应提前向班主任提出申请，自退出之日起不再参加服务"
                  + ("。" if rule.is_free else f"，费用按本协议第二条的办法结算：{lines['中途加入或退出']}。")
                  + "学期中途需要调整服务日或社团的，按同样的办法办理。"),
        Heading("安全责任"),
        Paragraph(safety),
        Heading("协议期限"),
        Paragraph(f"本协议自双方签字之日起生效，有效期为{settings.term_name}（{chinese_date(settings.term_start)}至"
                  f"{chinese_date(settings.term_end)}）。下学期继续参加服务的，重新申请并签订协议。本协议一式两份，"
                  "甲乙双方各执一份；未尽事宜由双方协商解决。"),
        *_signature_blanks(school, with_student=False),
    ]
    return Doc(AGREEMENT_TITLE, tuple(blocks), file_stem=AGREEMENT_TITLE, subtitle=f"（{settings.term_name}）",
               summary="课后服务协议书（家长与学校）：双方权利义务、收费、退出和安全责任，家长手填学生信息后签字")


# === 3. the club notice ===========================================================================

def club_notice(record: TermRecord) -> Doc:
    """关于开展社团活动的通知 (seed 004): every open club with its day, place, grades, number of
    children and the teacher responsible on each day (from the duties), the arrangements for
    gathering and collection, and the clubs that did not open."""
    settings = record.settings
    school = settings.school_name
    clubs = _open_clubs(record)
    closed = record.groups.clubs[record.groups.clubs[al.STATUS] != al.OPEN]
    first = _first_service_day(record)
    placed = int(clubs[al.PLACED_COUNT].sum())
    blocks: list = [Paragraph("各位家长、同学们：", indent=False)]
    if clubs.empty:
        blocks.append(Paragraph(f"{settings.term_name}学校课后服务暂不开设社团活动，参加课后服务的学生照常参加看护和作业辅导。"
                                "开设社团时，学校将另行通知。"))
    else:
        blocks += [
            Paragraph("为丰富课后服务内容，发展学生的兴趣特长，学校在课后服务时段开设社团活动。经家长申请、班级审核、"
                      f"学校复核和统筹安排，本学期开设社团{len(clubs)}个，共安排学生{placed}人次参加，"
                      f"{_date_phrase(first)}起开展活动。现将有关事项通知如下。"),
            Heading("社团安排"),
            Table(_club_table(record, clubs), title="本学期社团活动安排", font_size_pt=10,
                  widths_cm=(1.9, 2.3, 1.2, 2.3, 2.3, 2.3, 1.2, 2.1)),
            Heading("活动安排"),
            Items(_club_arrangements(record, first)),
        ]
    if len(closed):
        names = "、".join(f"{n}（{c}）" for c, n in zip(closed[ACTIVITY_ID], closed[ACTIVITY_NAME]))
        blocks += [Heading("未开班的社团"),
                   Paragraph(f"以下社团因报名人数未达到开班要求，本学期暂不开设：{names}。报名这些社团的学生已按所填的"
                             "其他志愿统筹安排，暂未安排的列入候补，有空余名额时按候补顺序递补。")]
    blocks += [Paragraph("如有疑问，请与班主任联系。"), Signature(school, _before_term(settings.term_start))]
    return Doc(f"{school}关于开展课后服务\n社团活动的通知", tuple(blocks), file_stem="社团活动通知",
               subtitle=f"（{settings.term_name}）",
               summary=f"社团活动通知：开设 {len(clubs)} 个社团、{placed} 人次，未开班 {len(closed)} 个")


def _club_table(record: TermRecord, clubs: pd.DataFrame) -> pd.DataFrame:
    teachers = _club_teachers(record.staffing.duties)
    return pd.DataFrame({
        "活动编号": clubs[ACTIVITY_ID].tolist(),
        "活动名称": clubs[ACTIVITY_NAME].tolist(),
        "类别": clubs[CATEGORY].tolist(),
        "活动日": [_days_text(d) for d in clubs[ACTIVITY_DAYS]],
        "场地": [nz.clean_text(r) or "待定" for r in clubs[ROOM]],
        "适用年级": [_grades_text(g) for g in clubs[ELIGIBLE_GRADES]],
        "人数": [int(n) for n in clubs[al.PLACED_COUNT]],
        "指导教师": [teachers.get(code, "待定") for code in clubs[ACTIVITY_ID]],
    })


def _club_teachers(duties: pd.DataFrame) -> dict[str, str]:
    """活动编号 -> who is responsible: one name when the same people run it every day, else each
    name with its day (张三（周一）、李四（周三）), since families ask who is there on their day."""
    lead = duties[duties[sf.ROLE] == sf.ROLE_LEAD]
    out = {}
    for code, rows in lead.groupby(sf.GROUP, sort=False):
        by_day: dict[str, list[str]] = {}
        for day, name in zip(rows[sf.WEEKDAY], rows[NAME]):
            by_day.setdefault(day, [])
            if name not in by_day[day]:
                by_day[day].append(name)
        days = sorted(by_day, key=WEEKDAY_NAMES.index)
        names = [by_day[d] for d in days]
        if all(n == names[0] for n in names):
            out[code] = "、".join(names[0])
        else:
            out[code] = "、".join(f"{'、'.join(n)}（{d}）" for d, n in zip(days, names))
    return out


def _club_arrangements(record: TermRecord, first: dt.date | None) -> tuple[str, ...]:
    settings = record.settings
    outdoor = outdoor_clubs(record)
    gear = "参加体育类社团的学生请穿运动服、运动鞋，自带水杯"
    if len(outdoor):
        gear += f"；在室外场地活动的社团，家长须另签《{OUTDOOR_TITLE}》"
    return (
        (f"活动时间：社团活动在课后服务时段内进行，按上表的活动日每周开展，{_date_phrase(first)}开始第一次活动；"
        f"{_season_clause(settings)}。法定节假日、放假和停课的日子不开展活动。"),
        ("集合：参加社团的学生放学后先到所在看护组的教室报到，由看护教师清点人数后统一前往社团活动场地；"
        "指导教师在活动开始时点名，学生未到的，立即与看护教师核实并联系家长。"),
        ("结束与接领：活动结束后，指导教师清点人数，把学生带到学校指定的接领地点，由家长接领并签退；"
        "未按时接走的学生交值班教师看护，不让学生独自在校园内逗留。"),
        f"物品准备：{gear}。活动所需的一般材料由学校统一准备，不另收费；需要学生自带的物品由指导教师提前告知。",
        ("请假和调整：学生因故不能参加活动的，家长应提前向班主任或指导教师请假。每名学生参加的社团以班级公示的名单为准，"
        "学期中需要调整的，由家长向班主任提出，学校根据空余名额统筹安排。"),
    )


# === 4. the outdoor safety agreement ==============================================================

def outdoor_clubs(record: TermRecord) -> pd.DataFrame:
    """The open clubs that meet outdoors: those whose 场地 is listed in the rooms table with 类型
    室外场地 (care_groups.OUTDOOR, the same type that keeps care groups indoors).

    The room decides, not the 类别: a 体育 club in the 风雨操场 (a 室内场馆) meets under a roof,
    out of the weather that makes outdoor activity a separate risk, and a 科技 club flying model
    planes on the 操场 is outdoors. A club whose 场地 is not in the rooms table is not counted
    (its type is unknown; validation reports the unknown room).
    """
    rooms = record.frame("rooms")
    clubs = _open_clubs(record)
    if rooms is None or ROOM_TYPE not in rooms or clubs.empty:
        return clubs.iloc[0:0]
    outside = {nz.clean_text(r) for r, kind in zip(rooms[ROOM], rooms[ROOM_TYPE]) if nz.clean_text(kind) == cg.OUTDOOR}
    return clubs[[nz.clean_text(r) in outside for r in clubs[ROOM]]].reset_index(drop=True)


def outdoor_safety_agreement(record: TermRecord) -> Doc:
    """室外活动安全责任协议书 (seed 004) for the clubs of :func:`outdoor_clubs`: the school's, the
    family's and the child's part in keeping outdoor activity safe, with blanks to sign. Without
    an outdoor club it says so in one paragraph, so step 06 need not special-case the file."""
    settings = record.settings
    school = settings.school_name
    clubs = outdoor_clubs(record)
    stem, subtitle = OUTDOOR_TITLE, f"（{settings.term_name}）"
    if clubs.empty:
        return Doc(OUTDOOR_TITLE, (Paragraph(f"{settings.term_name}学校开设的社团中没有在室外场地活动的项目，"
                                             "本学期不需要签订室外活动安全责任协议书。"),),
                   file_stem=stem, subtitle=subtitle, summary="室外活动安全责任协议书：本学期没有室外社团，不需签订")
    teachers = _club_teachers(record.staffing.duties)
    table = pd.DataFrame({
        "活动编号": clubs[ACTIVITY_ID].tolist(),
        "活动名称": clubs[ACTIVITY_NAME].tolist(),
        "活动日": [_days_text(d) for d in clubs[ACTIVITY_DAYS]],
        "场地": [nz.clean_text(r) for r in clubs[ROOM]],
        "适用年级": [_grades_text(g) for g in clubs[ELIGIBLE_GRADES]],
        "指导教师": [teachers.get(code, "待定") for code in clubs[ACTIVITY_ID]],
    })
    boxes = "　".join(f"□{n}（{c}）" for c, n in zip(clubs[ACTIVITY_ID], clubs[ACTIVITY_NAME]))
    blocks = [
        Paragraph(f"甲方（学校）：{school}", indent=False),
        Paragraph(f"乙方（学生家长或监护人）：{BLANK}", indent=False),
        Paragraph(f"学生姓名：{BLANK}　班级：{BLANK}", indent=False),
        Paragraph("在室外场地开展的社团活动运动量较大，受天气和场地条件的影响也较多。为保障学生安全，明确学校、家长和学生"
                  f"各自的责任，在《{AGREEMENT_TITLE}》的基础上，双方签订本协议。"),
        Heading("室外活动项目"),
        Paragraph(f"本学期在室外场地开展的社团活动共{len(clubs)}个："),
        Table(table, title="室外场地社团活动", widths_cm=(1.9, 2.5, 2.3, 2.0, 2.4, 4.5)),
        Paragraph(f"乙方子女参加的项目（请在方框内打“√”）：{boxes}"),
        Heading("学校的安全责任"),
        Items((
            "每次活动前，指导教师检查场地和器材；发现地面湿滑、器材松动等隐患的，排除后才开始活动。",
            "活动开始时点名，先组织热身；根据学生的年龄和体质安排运动强度和时间，不组织危险性较高的项目。",
            "指导教师全程在场组织和看护，不擅自离开；活动结束时清点人数，再带学生离开场地。",
            "学校配备急救药品和器材；学生受伤或身体不适时立即处置并通知家长，情况严重的立即送医。",
            "遇雨雪、大风、雷电、高温或空气重污染等天气，活动改在室内进行或暂停，并及时告知学生和家长。",
        )),
        Heading("家长的责任"),
        Items((
            "如实告知孩子的健康状况；孩子患有不宜剧烈运动的疾病，或近期受伤、生病的，应书面告知学校，必要时不参加该项目。",
            "为孩子准备适合运动的服装和鞋子，不让孩子佩戴尖硬饰物、携带危险物品参加活动。",
            "为孩子办理学生意外伤害保险。",
            "教育孩子遵守活动纪律和安全要求，活动结束后按时到校接领。",
        )),
        Heading("学生应遵守的要求"),
        Items((
            "听从指导教师的安排，按要求热身，不做危险动作。",
            "未经教师同意不离开活动场地；身体不适或受伤时，立即报告教师。",
            "爱护和正确使用器材，不追逐打闹。",
            "按时集合，活动结束后随队离开场地。",
        )),
        Heading("其他"),
        Paragraph(f"本协议是《{AGREEMENT_TITLE}》的补充，有效期为{settings.term_name}（{chinese_date(settings.term_start)}至"
                  f"{chinese_date(settings.term_end)}），未尽事宜按《{AGREEMENT_TITLE}》执行。本协议一式两份，甲乙双方各执一份。"),
        Paragraph(f"学生健康状况（有不宜剧烈运动的情况请注明）：{BLANK}{BLANK}", indent=False),
        *_signature_blanks(school, with_student=True),
    ]
    return Doc(OUTDOOR_TITLE, tuple(blocks), file_stem=stem, subtitle=subtitle,
               summary=f"室外活动安全责任协议书：{len(clubs)} 个室外社团（{'、'.join(clubs[ACTIVITY_NAME])}）")


# === 5. the fee notice ============================================================================

def fee_notice(record: TermRecord) -> Doc:
    """收费公示 as a Word document: the policy lines and the tables of :func:`fees.public_notice`
    (class and school totals, the budget), nothing recomputed and no name or 学号 (seed 002
    第十九条: fee income is published and supervised by families). Dated the last day with
    counted attendance, since the totals are the term's settled ones up to that day."""
    settings = record.settings
    school = settings.school_name
    plan = record.fees
    notice = fees.public_notice(plan.ledger, settings, plan.budget)
    lines = _fee_lines(record)
    policy = [f"{key}：{_sentence(text)}" for key, text in lines.items() if key not in ("学校", "学期", "监督")]
    blocks: list = [
        Paragraph("为接受家长和社会监督，根据课后服务收费管理的有关规定，现将本学期课后服务的收费标准、结算办法、"
                  "减免政策和经费收支情况公示如下。"),
        Heading("收费标准与政策"),
        Items(tuple(policy)),
    ]
    settled = _last_attendance_day(record)
    annex = []
    if not settings.fee.is_free and settled is not None:
        blocks += [
            Heading("收费情况"),
            Paragraph(f"截至{chinese_date(settled)}，本学期各月按规定结算的收费情况如下（单位：元）。各班的汇总见附表，"
                      "只列全班合计，不公布学生个人的信息。"),
            Table(notice["全校按月汇总"], title="全校各月收费汇总"),
        ]
        # the per-class table runs to several pages: an annex after the 落款, as official documents
        # carry long tables, keeps the notice itself short enough to post
        annex = [PageBreak(), Paragraph("附表", indent=False, align="left"),
                 Table(notice["各班收费汇总"], title="各班各月收费汇总", font_size_pt=10)]
    elif not settings.fee.is_free:
        blocks += [Heading("收费情况"), Paragraph("各月的收费金额在结算后另行公示。")]
    if "经费收支" in notice and len(notice["经费收支"]) > 1:
        blocks += [
            Heading("经费收支"),
            Paragraph("本学期课后服务经费的收入和支出情况如下（单位：元）："),
            Table(_by_item(notice["经费收支"]), title="经费收支情况", font_size_pt=10),
        ]
    blocks.append(Paragraph(_sentence(lines["监督"])))
    if annex:
        blocks.append(Paragraph("附表：各班各月收费汇总"))
    blocks += [Signature(school, settled or _before_term(settings.term_start)), *annex]
    return Doc(f"{school}课后服务收费公示", tuple(blocks), file_stem="收费公示", subtitle=f"（{settings.term_name}）",
               summary=f"收费公示：{lines['收费标准']}，{lines['结算方式']}；各班汇总和经费收支，不含学生个人信息")


def _by_item(by_month: pd.DataFrame) -> pd.DataFrame:
    """The budget with months as columns and 收入/支出 items as rows: eleven money columns do not
    fit the width of a portrait page, six month columns do. Only turned, no number changed."""
    turned = by_month.set_index(fees.MONTH).T
    turned.columns = [str(c) for c in turned.columns]
    return turned.rename_axis("项目").reset_index()


def _last_attendance_day(record: TermRecord) -> dt.date | None:
    check = getattr(record.fees, "attendance", None)
    if check is None or check.records is None or check.records.empty:
        return None
    return pd.Timestamp(check.records[DATE].max()).date()


# === 6. the class lists ===========================================================================

def class_club_lists(record: TermRecord) -> Doc:
    """社团名单（班级公示）: one page per class in grade order, every child taking part with the
    clubs placed (names masked, no 学号, no phone), each page with its own note and 落款 so it
    can be posted on its class's board alone. A child with no club is listed too, so every
    family finds its child: 暂未分配 if club choices were made (waiting for a place), else
    未报名社团. The waitlist order itself is not posted (it would hint at priority groups)."""
    settings = record.settings
    school = settings.school_name
    people = record.groups.people.taking_part
    clubs = record.groups.clubs.set_index(ACTIVITY_ID)
    held: dict[str, list[str]] = {}
    for sid, code in zip(record.groups.placements[STUDENT_ID], record.groups.placements[ACTIVITY_ID]):
        held.setdefault(str(sid), []).append(code)
    date = _before_term(settings.term_start)
    note = f"注：姓名隐去了部分字。“{NOT_PLACED}”的学生照常参加看护和作业辅导，有空余名额时按候补顺序递补。"
    ordered = people.sort_values([GRADE, CLASS, STUDENT_ID])
    classes = list(ordered.groupby([GRADE, CLASS], sort=True))
    blocks: list = []
    for i, ((grade, number), rows) in enumerate(classes):
        table = _class_table(rows, held, clubs)
        if i:
            blocks.append(PageBreak())
        name = nz.class_name(int(grade), int(number))
        wide = len(table) > TWO_UP_FROM
        blocks += [Table(_two_up(table) if wide else table, title=f"{name}社团活动名单（{len(table)}人）",
                         widths_cm=(1.1, 1.3, 3.35, 2.05) * 2 if wide else (1.4, 3.0, 7.4, 3.8),
                         font_size_pt=9 if wide else 10.5),
                   Paragraph(note), Signature(school, date)]
    if not classes:
        blocks.append(Paragraph("本学期没有参加课后服务的学生，不需要公示社团名单。"))
    return Doc(f"{school}课后服务社团名单", tuple(blocks), file_stem="社团名单（班级公示）",
               subtitle=f"（{settings.term_name}　班级公示）",
               summary=f"社团名单（班级公示）：{len(classes)} 个班、{len(people)} 名学生，姓名已隐去部分字")


def _two_up(table: pd.DataFrame) -> pd.DataFrame:
    """A class list in two halves side by side (1 to n/2 on the left, the rest on the right): a
    class of fifty then fits one posted page. The halves share their column names."""
    half = -(-len(table) // 2)
    left = table.iloc[:half].reset_index(drop=True)
    right = table.iloc[half:].reset_index(drop=True).reindex(range(half))
    right = right.astype(object).where(right.notna(), None)
    both = pd.concat([left.astype(object), right], axis=1)
    both.columns = list(table.columns) * 2
    return both


def _class_table(rows: pd.DataFrame, held: dict[str, list[str]], clubs: pd.DataFrame) -> pd.DataFrame:
    choices = [c for c in CHOICES if c in rows]
    names, placed, days = [], [], []
    for i, (sid, name) in enumerate(zip(rows[STUDENT_ID], rows[NAME])):
        codes = sorted(held.get(str(sid), []), key=lambda c: (_first_day(clubs.at[c, ACTIVITY_DAYS]), c))
        names.append(mask_name(name))
        if codes:
            placed.append("、".join(str(clubs.at[c, ACTIVITY_NAME]) for c in codes))
            weekdays = sorted({d for c in codes for d in (nz.parse_weekdays(clubs.at[c, ACTIVITY_DAYS]) or ())})
            days.append("、".join(WEEKDAY_NAMES[d] for d in weekdays))
        else:
            asked = any(not nz.is_blank(rows[c].iloc[i]) for c in choices)
            placed.append(NOT_PLACED if asked else NO_CLUB)
            days.append("")
    return pd.DataFrame({"序号": range(1, len(names) + 1), "姓名": names, "社团": placed, "活动日": days})


def _first_day(days: object) -> int:
    parsed = nz.parse_weekdays(days) or ()
    return parsed[0] if parsed else 7


# === 7. the service-record workbook (internal) ====================================================

def service_record_sheets(record: TermRecord) -> list[tuple[str, str, str, pd.DataFrame]]:
    """(sheet title, heading, note, table) of the 服务记录表, one per group and weekday: every
    care group of each weekday, then every open club on each of its days.

    Rows are the term's service days whose *timetable* is that weekday (staffing.timetable_weekdays),
    so a 调休 Sunday that follows Wednesday's timetable is on the Wednesday sheets, where that
    day's groups and teachers are. 场地, 负责教师 and 应到人数 are filled in; the rest is left
    for the teacher. No child is named: the class lists hold the names.
    """
    settings = record.settings
    service = sf.timetable_weekdays(record.calendar)
    days = record.calendar.service_days.set_index(DATE)
    teachers = _leads(record.staffing.duties)
    sheets = []
    places = []
    care = record.groups.care.groups
    for row in care.itertuples(index=False):
        row = dict(zip(care.columns, row))
        day = WEEKDAY_NAMES.index(row[cg.WEEKDAY])
        note_extra = f"（其中当天参加社团 {int(row[cg.IN_CLUBS])} 人）" if int(row.get(cg.IN_CLUBS, 0) or 0) else ""
        places.append((day, 0, row[cg.GROUP], row[cg.GROUP], row[ROOM], int(row[cg.SIZE]), f"看护组（{row[cg.GRADES]}）", note_extra))
    clubs = _open_clubs(record)
    for club in clubs.itertuples(index=False):
        club = dict(zip(clubs.columns, club))
        for day in nz.parse_weekdays(club[ACTIVITY_DAYS]) or ():
            if day not in settings.service_weekdays:
                continue
            places.append((day, 1, club[ACTIVITY_ID], f"{club[ACTIVITY_ID]} {club[ACTIVITY_NAME]}",
                           nz.clean_text(club[ROOM]) or "待定", int(club[al.PLACED_COUNT]), f"社团（{club[CATEGORY]}）", ""))
    places.sort(key=lambda p: (p[0], p[1]))  # weekday, care groups before clubs, then as listed
    used: set[str] = set()
    for day, _, group, label, room, size, kind, note_extra in places:
        dates = service.loc[service["weekday"] == day, DATE]
        teacher = teachers.get((WEEKDAY_NAMES[day], group), "")
        table = pd.DataFrame({
            REC_DATE: [_record_date(pd.Timestamp(d), days.at[d, DAY_WEEKDAY], day) for d in dates],
            REC_ROOM: room, REC_TEACHER: teacher, REC_CONTENT: "", REC_EXPECTED: size,
            REC_PRESENT: "", REC_ABSENT: "", REC_HANDOVER: "", REC_SIGNATURE: "",
        }, columns=list(RECORD_COLUMNS))
        title = _unique_title(f"{WEEKDAY_NAMES[day]} {label}", used)
        heading = f"{settings.school_name}课后服务记录表　{WEEKDAY_NAMES[day]}　{label}"
        note = (f"{settings.term_name}；{kind}；场地：{room}；负责教师：{teacher or '待定'}；人数：{size}{note_extra}；"
                f"共 {len(table)} 个服务日")
        sheets.append((title, heading, note, table))
    return sheets


def service_records_bytes(record: TermRecord) -> bytes:
    """The 服务记录表 workbook's bytes: landscape A4 pages, the heading on top, the header row
    repeated on every page, ruled cells tall enough to write in; the same record gives the same
    bytes (workbook_bytes fixes every timestamp)."""
    book = new_workbook()
    for title, heading, note, table in service_record_sheets(record):
        list_sheet(book, title, heading, note, table, text_columns=())
        sheet = book[title]
        for j, column in enumerate(RECORD_COLUMNS, start=1):
            sheet.column_dimensions[sheet.cell(row=3, column=j).column_letter].width = _WRITING_WIDTHS[column]
        sheet.row_dimensions[3].height = 30  # the long 交接情况 header wraps onto a second line
        for r in range(4, sheet.max_row + 1):
            sheet.row_dimensions[r].height = _WRITING_ROW_HEIGHT
            for cell in sheet[r]:
                cell.alignment = Alignment(vertical="center")
        rule_cells(sheet, 3)
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToHeight = 1  # a term of one weekday is about twenty rows: one sheet, one page
    if not book.sheetnames:
        book.create_sheet("没有服务安排")
    return workbook_bytes(book)


def write_service_records(record: TermRecord, path: Path | str) -> Path:
    """Write 服务记录表.xlsx atomically (an open copy in Excel never gets half a file)."""
    return write_bytes_atomic(path, service_records_bytes(record))


def _leads(duties: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(星期, 组别) -> the names responsible there, in roster order."""
    out: dict[tuple[str, str], list[str]] = {}
    lead = duties[duties[sf.ROLE] == sf.ROLE_LEAD]
    for day, group, name in zip(lead[sf.WEEKDAY], lead[sf.GROUP], lead[NAME]):
        names = out.setdefault((day, str(group)), [])
        if name not in names:
            names.append(name)
    return {key: "、".join(names) for key, names in out.items()}


def _record_date(date: pd.Timestamp, weekday_name: str, timetable: int) -> str:
    """2025-09-01（周一）; a make-up day says whose timetable it follows: 2025-09-28（周日，按周三课表）."""
    text = f"{date:%Y-%m-%d}（{weekday_name}"
    if WEEKDAY_NAMES.index(weekday_name) != timetable:
        text += f"，按{WEEKDAY_NAMES[timetable]}课表"
    return text + "）"


def _unique_title(title: str, used: set[str]) -> str:
    """A sheet title Excel accepts (31 characters, none of []:*?/\\) that no other sheet has."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:31]
    candidate, n = clean, 2
    while candidate in used:
        suffix = f"({n})"
        candidate, n = clean[:31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


# === shared wording ===============================================================================

def _open_clubs(record: TermRecord) -> pd.DataFrame:
    clubs = record.groups.clubs
    return clubs[clubs[al.STATUS] == al.OPEN].sort_values(ACTIVITY_ID).reset_index(drop=True)


def _fee_lines(record: TermRecord) -> dict[str, str]:
    """项目 -> 内容 of the 收费公示's policy table, the one wording of the fee rules every document uses."""
    table = fees.public_notice(record.fees.ledger, record.settings)["收费标准"]
    return {key: _tidy(text) for key, text in zip(table["项目"], table["内容"])}


def _tidy(text: object) -> str:
    """No space between a Chinese character and a number (每生每课时 3.50 元 -> 每生每课时3.50元), as
    official documents are set; the xlsx 公示 keeps the kit's spaced form."""
    return re.sub(r"(?<=[\u4e00-\u9fff）)]) +| +(?=[\u4e00-\u9fff（(])", "", str(text))


def _basis_clause(lines: dict[str, str]) -> str:
    return f"（依据{lines[fees.FEE_BASIS]}）" if lines.get(fees.FEE_BASIS) else ""


def _waiver_sentence(text: str) -> str:
    return "本学期不设减免。" if text == "无" else _sentence(text)


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text if text.endswith(("。", "！", "？")) else text + "。"


def _fee_sentences(record: TermRecord) -> list[str]:
    settings = record.settings
    if settings.fee.is_free:
        return ["本学期课后服务免费，学校不收取任何费用。"]
    lines = _fee_lines(record)
    cycle = "每月" if record.fees.options.cycle == fees.CYCLE_MONTHLY else "学期结束时"
    return [
        (f"经有关部门核定，课后服务收费标准为{lines['收费标准']}{_basis_clause(lines)}。结算办法：{lines['结算方式']}。"
        f"减免政策：{_waiver_sentence(lines['减免政策'])}学期中途加入或退出的，{lines['中途加入或退出']}。"
        "除此之外，学校不以任何名义收取其他费用。"),
        f"{fees.SPENDING_RULE}。学校{cycle}公示收费和经费使用情况，接受家长监督。",
    ]


def _priority_text() -> str:
    names = {LEFT_BEHIND: "留守儿童", HARDSHIP: "经认定的困难家庭学生", MIGRANT: "进城务工人员随迁子女"}
    return "、".join(names[g] for g in PRIORITY_GROUPS)


def _time_text(record: TermRecord, lead: str = "本学期课后服务") -> str:
    """When the service runs: first to last service day, the weekdays, 课时 and the daily windows."""
    settings = record.settings
    days = record.calendar.service_days
    if days.empty:
        return f"{lead}没有安排服务日，请以学校另行通知为准。"
    first, last = pd.Timestamp(days[DATE].min()).date(), pd.Timestamp(days[DATE].max()).date()
    return (f"{lead}自{chinese_date(first)}开始，至{chinese_date(last)}结束，在{_weekdays_text(settings.service_weekdays)}"
            f"下午正常放学后进行，每天{settings.periods_per_day}课时；{_season_clause(settings)}。")


def _season_clause(settings) -> str:
    """The daily windows of the seasons that fall in the term: 9月1日起为16:30至18:00（夏秋季）, ...;
    a season that ended before the term began is left out."""
    seasons = sorted((s for s in settings.seasons if s.start_date <= settings.term_end), key=lambda s: s.start_date)
    seasons = [s for i, s in enumerate(seasons)
               if not (i + 1 < len(seasons) and seasons[i + 1].start_date <= settings.term_start)]
    if not seasons:
        return "具体时间由学校另行通知"
    if len(seasons) == 1:
        return f"服务时间为每天{_window(seasons[0])}"
    parts = [f"{_date_phrase(max(s.start_date, settings.term_start))}起为{_window(s)}（{s.name}）" for s in seasons]
    return "服务时间随季节调整：" + "，".join(parts)


def _window(season) -> str:
    return f"{season.start}至{season.end}"


def _calendar_text(record: TermRecord) -> str:
    """How many service days the calendar gives, the days without service and the make-up days."""
    calendar = record.calendar
    count = calendar.service_day_count
    text = f"按照学校校历，本学期共安排课后服务{count}天。"
    off = _days_off(record)
    if off:
        text += "以下日期不开展课后服务：" + "；".join(off) + "。"
    makeup = _makeup_days(calendar)
    if makeup:
        text += "；".join(makeup) + "。"
    return text


def _days_off(record: TermRecord) -> list[str]:
    """Runs of holidays, 停课 and 放假 that take away at least one service weekday, in date order:
    国庆节、中秋节（10月1日至10月8日）, 10月24日（秋季运动会，课后服务暂停）."""
    days = record.calendar.days.sort_values(DATE)
    weekdays = set(record.settings.service_weekdays)
    runs: list[dict] = []
    for date, kind, weekday, note in zip(days[DATE], days[DAY_KIND], days[DAY_WEEKDAY], days[NOTE]):
        if kind not in (tc.STATUTORY_HOLIDAY, tc.SUSPENDED, tc.BREAK):
            continue
        date = pd.Timestamp(date).date()
        note = _off_reason(note)
        last = runs[-1] if runs else None
        same = last is not None and last["kind"] == kind and (date - last["end"]).days == 1 and (
            kind == tc.STATUTORY_HOLIDAY or last["notes"] == [note])
        if same:
            last["end"] = date
            if note and note not in last["notes"]:
                last["notes"].append(note)
        else:
            runs.append({"kind": kind, "start": date, "end": date, "notes": [note] if note else [], "counts": False})
        runs[-1]["counts"] |= WEEKDAY_NAMES.index(weekday) in weekdays
    out = []
    for run in runs:
        if not run["counts"]:
            continue
        span = _span(run["start"], run["end"])
        if run["kind"] == tc.STATUTORY_HOLIDAY:
            out.append(f"{'、'.join(run['notes']) or '法定节假日'}（{span}）")
        else:
            out.append(f"{span}（{'、'.join(run['notes']) or run['kind']}）")
    return out


def _off_reason(note: object) -> str:
    """A calendar 说明 as the reason in brackets: 秋季运动会，课后服务暂停 -> 秋季运动会 (the sentence
    around it already says there is no service; the school's own punctuation is kept)."""
    parts = re.split(r"[，,；;。]", nz.clean_text(note, fold=False))
    return "，".join(p.strip() for p in parts if p.strip() and "课后服务" not in p)


def _makeup_days(calendar) -> list[str]:
    """调休 days: a weekend service day follows a weekday's timetable; a make-up workday without a
    timetable has no service, which families would otherwise not expect."""
    days = calendar.days.sort_values(DATE)
    out = []
    for date, kind, service, weekday, follows in zip(days[DATE], days[DAY_KIND], days[DAY_IS_SERVICE],
                                                     days[DAY_WEEKDAY], days[FOLLOWS_WEEKDAY]):
        date = pd.Timestamp(date).date()
        follows = nz.clean_text(follows)
        if service and follows and follows != weekday:
            out.append(f"{_date_phrase(date)}（{weekday}）调休上课，按{follows}课表开展课后服务")
        elif kind == tc.MAKEUP_WORKDAY:
            out.append(f"{_date_phrase(date)}（{weekday}）调休上课，当天不开展课后服务")
    return out


def _span(start: dt.date, end: dt.date) -> str:
    return _date_phrase(start) if start == end else f"{_date_phrase(start)}至{_date_phrase(end)}"


def _date_phrase(date: dt.date | None) -> str:
    """9月1日: inside one term the month and day are unambiguous."""
    return "开学" if date is None else f"{date.month}月{date.day}日"


def _first_service_day(record: TermRecord) -> dt.date | None:
    days = record.calendar.service_days
    return None if days.empty else pd.Timestamp(days[DATE].min()).date()


def _weekdays_text(weekdays: tuple[int, ...]) -> str:
    """(0..4) -> 每周一至周五; (0, 2, 4) -> 每周一、周三、周五."""
    days = sorted(weekdays)
    if not days:
        return "学校安排的日子"
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return f"每{WEEKDAY_NAMES[days[0]]}至{WEEKDAY_NAMES[days[-1]]}"
    return "每" + "、".join(WEEKDAY_NAMES[d] for d in days)


def _days_text(value: object) -> str:
    days = nz.parse_weekdays(value)
    return "、".join(WEEKDAY_NAMES[d] for d in days) if days else nz.clean_text(value)


def _grades_text(value: object) -> str:
    """"3,4,5,6" -> 三至六年级; "1,3" -> 一、三年级; all six -> 全校."""
    text = nz.clean_text(value)
    grades = sorted(nz.parse_grade_set(text)) if text else list(range(1, 7))
    if grades == list(range(1, 7)):
        return "全校"
    names = [nz.grade_name(g).removesuffix("年级") for g in grades]
    if len(grades) == 1:
        return f"{names[0]}年级"
    if grades == list(range(grades[0], grades[-1] + 1)):
        return f"{names[0]}至{names[-1]}年级"
    return "、".join(names) + "年级"


def _care_text(record: TermRecord) -> str:
    settings = record.settings
    low = "、".join(nz.grade_name(g).removesuffix("年级") for g in cg.STAGES[0])
    return (f"放学后，参加服务的学生按年级编成看护组，人数较少的年级在同一学段内混龄编组，每组不超过{settings.group_size}人，"
            f"在固定的教室由教师看护。{low}年级学生不做书面作业，以阅读、绘本、益智游戏等活动为主；其他年级学生在教师看护下"
            "完成当天的书面作业，教师答疑解惑、个别辅导。服务时间内不讲授新课，不集体补课，不组织考试。")


def _content_clause(record: TermRecord) -> str:
    low = "、".join(nz.grade_name(g).removesuffix("年级") for g in cg.STAGES[0])
    clubs = len(_open_clubs(record))
    club = f"，以及社团活动（本学期开设{clubs}个社团）" if clubs else ""
    return (f"看护和作业辅导{club}。{low}年级不做书面作业；服务时间内不讲授新课，不集体补课，不组织考试。")


def _clubs_text(record: TermRecord) -> str:
    clubs = _open_clubs(record)
    if clubs.empty:
        return "本学期暂不开设社团活动，开设时学校将另行通知。"
    parts = []
    order = {c: i for i, c in enumerate(CATEGORIES)}
    for category, rows in sorted(clubs.groupby(CATEGORY, sort=False), key=lambda kv: order.get(kv[0], len(order))):
        names = list(rows[ACTIVITY_NAME])
        shown = "、".join(names[:3]) + ("等" if len(names) > 3 else "")
        parts.append(f"{category}类{len(names)}个（{shown}）")
    return (f"本学期开设社团活动{len(clubs)}个，其中{'，'.join(parts)}。社团打破班级和年级界限，学生按志愿报名，由学校统筹安排；"
            "每名学生参加的社团和活动日以班级公示的名单为准。")


def _safety_text(record: TermRecord) -> str:
    duty = record.settings.duty_per_day
    staffed = "学校建立考勤、交接和值班制度，每个看护组和社团每天都有负责教师" + (
        f"，每个服务日另安排{duty}名值班教师" if duty else "") + "。"
    return (staffed + "服务结束时，请家长或家长委托的成年人按时到校接孩子，并在教师处签退；确需提前接走的，请提前告知"
            "班主任或看护教师。未按时接走的学生由值班教师在校看护，直到家长到校接领，学校不让孩子独自离校。"
            "同意孩子自行回家的，请在协议书中书面说明。")


def _signature_blanks(school: str, *, with_student: bool) -> list[Paragraph]:
    """Where the parties sign an agreement, dated by hand when signed (so no printed date).

    Each party's line carries its own date blank (甲方（盖章）：… 日期：  年  月  日), which keeps
    the block short, so the last page does not hold only the family's line, and needs no
    column alignment (LibreOffice and WPS squeeze Chinese punctuation differently, so padded
    columns would not line up). A line too long for the page puts its date on the next line.
    """
    line = "＿" * 6
    date = f"日期：{DATE_BLANK}"

    def with_date(text: str) -> list[str]:
        fits = _width(text) + 2 + _width(date) <= BODY_LINE_CHARS
        return [f"{text}　　{date}"] if fits else [text, date]

    school_lines = [*with_date(f"甲方（盖章）：{school}"), f"经办人签字：{line}"]
    family_lines = [*with_date(f"乙方签字：{line}"), *([f"学生签名：{line}"] if with_student else [])]
    return [Paragraph("", indent=False), *[Paragraph(t, indent=False, align="left") for t in school_lines],
            Paragraph("", indent=False), *[Paragraph(t, indent=False, align="left") for t in family_lines]]


def _width(text: str) -> float:
    """Width in body characters: a Chinese character one, a digit or Latin letter half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text)


def _before_term(start: dt.date) -> dt.date:
    """The last working day (Monday to Friday) before the term starts: when letters and lists go
    home, so families have them before the first day."""
    day = start - dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day
