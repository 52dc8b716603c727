"""The companion documents of step 06 for the sample school: what each says, that every number
is the term's own, that nothing posted or handed out names a child or a parent, and that the
service-record workbook has a sheet per group and day with the right dates."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import docx
import openpyxl
import pandas as pd
import pytest

from afterschool_lib import allocation as al
from afterschool_lib import companions as cp
from afterschool_lib import documents as dm
from afterschool_lib import fees
from afterschool_lib import staffing as sf
from afterschool_lib.exporting import docx_to_pdf, find_soffice
from afterschool_lib.masking import mask_name
from afterschool_lib.paths import sample_dir
from afterschool_lib.roster_files import ROSTER_FILE, write_roster
from afterschool_lib.schema import (
    ACTIVITY_ID,
    ACTIVITY_NAME,
    NAME,
    PARENT_NAME,
    PHONE,
    STUDENT_ID,
)
from afterschool_lib.term_state import load_term_groups, load_term_record, term_places
from afterschool_lib.validate import check_folder

TITLES = ("致家长的一封信", "课后服务协议书", "社团活动的通知", "室外活动安全责任协议书", "收费公示", "社团名单")


@pytest.fixture(scope="module")
def term(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The sample school's record once, as step 06 reads it: the roster saved by step 03 (solved
    here with the two stages the documents depend on, to keep the suite fast), the default
    allocation, then every document written as .docx."""
    out = tmp_path_factory.mktemp("companions")
    check = check_folder(sample_dir())
    assert check.usable, [str(p) for p in check.problems if p.is_error]
    settings = check.settings
    groups = load_term_groups(sample_dir(), check, None)
    roster = sf.make_roster(check.frame("staff"), term_places(check, groups), settings.service_weekdays,
                            settings.duty_per_day, stages=(sf.STAGE_GAPS, sf.STAGE_SPREAD), time_limit=3.0)
    write_roster(out / ROSTER_FILE, roster)
    record = load_term_record(sample_dir(), check, out)
    assert record.staffing.source.startswith(ROSTER_FILE)
    docs = cp.companion_documents(record)
    files = {doc.file_stem: dm.write_docx(doc, out) for doc in docs}
    return SimpleNamespace(record=record, check=check, docs=docs, files=files, out=out)


def docx_text(path: Path) -> str:
    """Everything Word shows: every paragraph and every table cell (not only plain_text's view)."""
    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def doc_named(term: SimpleNamespace, stem: str) -> tuple[dm.Doc, str]:
    doc = next(d for d in term.docs if d.file_stem == stem)
    return doc, docx_text(term.files[stem])


# --- order, titles, sections -----------------------------------------------------------------------

def test_six_public_documents_in_the_fixed_order(term):
    assert len(term.docs) == 6
    for doc, title in zip(term.docs, TITLES):
        assert title in doc.title.replace("\n", "")
        assert doc.public and doc.summary and "\n" not in doc.summary
    assert len({d.file_stem for d in term.docs}) == 6
    for doc in term.docs:  # the notebook preview and HTML take every document too
        assert dm.to_notebook(doc).cells


def test_the_letter_has_every_section_and_the_terms_own_facts(term):
    doc, text = doc_named(term, "致家长的一封信")
    settings, calendar = term.record.settings, term.record.calendar
    for section in ("一、服务对象", "二、服务时间", "三、服务内容", "四、收费与减免", "五、报名办法", "六、安全与接送",
                    "七、联系方式"):
        assert section in text
    assert doc.blocks[0] == dm.Paragraph("尊敬的各位家长：", indent=False)
    assert "双减" in text and "接送" in text and "自愿" in text
    for group in ("留守儿童", "困难家庭", "随迁子女", "低年级"):
        assert group in text
    assert f"共安排课后服务{calendar.service_day_count}天" in text
    first, last = calendar.service_days["日期"].min(), calendar.service_days["日期"].max()
    assert f"{first.year}年{first.month}月{first.day}日开始" in text and f"{last.year}年{last.month}月{last.day}日结束" in text
    for season in settings.seasons:
        assert f"{season.start}至{season.end}（{season.name}）" in text
    assert f"每天{settings.periods_per_day}课时" in text and "每周一至周五" in text
    assert "国庆节" in text and "元旦" in text and "10月24日（秋季运动会）" in text
    assert "9月28日（周日）调休上课，按周三课表" in text  # a make-up day that has service
    assert "10月11日（周六）调休上课，当天不开展" in text  # and one that has none
    assert f"每组不超过{settings.group_size}人" in text and "一、二年级学生不做书面作业" in text
    open_clubs = term.record.groups.clubs[term.record.groups.clubs[al.STATUS] == al.OPEN]
    assert f"开设社团活动{len(open_clubs)}个" in text
    assert f"每生每课时{fees.quantize_fen(settings.fee.standard)}元" in text
    assert "按月据实结算" in text and "困难家庭全免" in text and "退出" in text
    assert "家长申请、班级审核、学校复核、统筹安排、班级公示" in text and "《课后服务协议书》" in text
    assert "值班教师" in text and f"另安排{settings.duty_per_day}名值班教师" in text and "签退" in text
    assert "学校办公室" in text
    assert isinstance(doc.blocks[-1], dm.Signature) and doc.blocks[-1].issuer == settings.school_name
    assert doc.blocks[-1].date < settings.term_start


def test_the_agreement_leaves_the_family_blanks_and_states_both_sides_duties(term):
    doc, text = doc_named(term, "课后服务协议书")
    settings = term.record.settings
    assert f"甲方（学校）：{settings.school_name}" in text
    for blank in ("学生姓名：＿", "班级：＿", "家长姓名：＿", "联系电话：＿", "乙方签字：＿"):
        assert blank in text
    for section in ("服务内容和时间", "服务费用", "甲方的权利和义务", "乙方的权利和义务", "退出服务", "安全责任", "协议期限"):
        assert section in text
    assert "意外伤害保险" in text  # seed 000: the family insures the child
    assert "对服务不满意的，有权退出服务" in text  # seed 001
    assert "按时到校接领" in text
    assert "□周一" in text and "□周五" in text
    assert "2025年9月1日至2026年1月23日" in text and settings.term_name in text
    assert f"共安排课后服务{term.record.calendar.service_day_count}天" in text
    assert "《室外活动安全责任协议书》" in text  # the sample has outdoor clubs
    assert not any(isinstance(b, dm.Signature) for b in doc.blocks)  # signed and dated by hand


def test_the_club_notice_lists_every_open_club_with_its_count_and_teachers(term):
    doc, text = doc_named(term, "社团活动通知")
    clubs = term.record.groups.clubs
    opened, closed = clubs[clubs[al.STATUS] == al.OPEN], clubs[clubs[al.STATUS] != al.OPEN]
    table = next(b for b in doc.blocks if isinstance(b, dm.Table)).frame
    assert list(table.columns) == ["活动编号", "活动名称", "类别", "活动日", "场地", "适用年级", "人数", "指导教师"]
    assert sorted(table["活动编号"]) == sorted(opened[ACTIVITY_ID])
    for code in opened[ACTIVITY_ID]:
        assert code in text
    counts = dict(zip(table["活动编号"], table["人数"]))
    assert counts == {c: int(n) for c, n in zip(opened[ACTIVITY_ID], opened[al.PLACED_COUNT])}
    duties = term.record.staffing.duties
    lead = duties[(duties[sf.ROLE] == sf.ROLE_LEAD)]
    teachers = dict(zip(table["活动编号"], table["指导教师"]))
    for code in opened[ACTIVITY_ID]:
        for name in lead.loc[lead[sf.GROUP] == code, NAME]:
            assert name in teachers[code]
    assert f"开设社团{len(opened)}个，共安排学生{int(opened[al.PLACED_COUNT].sum())}人次" in text
    for code, name in zip(closed[ACTIVITY_ID], closed[ACTIVITY_NAME]):
        assert f"{name}（{code}）" in text
    assert "未开班的社团" in text and "集合" in text and "接领" in text and "值班教师" in text and "运动鞋" in text


def test_club_teachers_name_the_day_when_people_differ():
    duties = pd.DataFrame({sf.WEEKDAY: ["周一", "周三", "周二", "周四", "周一"], sf.GROUP: ["A1", "A1", "A2", "A2", "值班"],
                           sf.ROLE: ["负责", "负责", "负责", "负责", "值班"], NAME: ["甲", "乙", "丙", "丙", "丁"]})
    assert cp._club_teachers(duties) == {"A1": "甲（周一）、乙（周三）", "A2": "丙"}


def test_the_outdoor_agreement_covers_the_clubs_on_outdoor_grounds(term):
    _doc, text = doc_named(term, "室外活动安全责任协议书")
    rooms = term.check.frame("rooms")
    outside = set(rooms.loc[rooms["类型"] == "室外场地", "场地"])
    outdoor = cp.outdoor_clubs(term.record)
    assert len(outdoor) and set(outdoor["场地"]) <= outside
    clubs = term.record.groups.clubs
    opened = clubs[clubs[al.STATUS] == al.OPEN]
    assert set(outdoor[ACTIVITY_ID]) == set(opened.loc[opened["场地"].isin(outside), ACTIVITY_ID])
    assert "风雨操场" not in set(outdoor["场地"])  # a 体育 club under a roof is not outdoors
    for code in outdoor[ACTIVITY_ID]:
        assert code in text
    for section in ("学校的安全责任", "家长的责任", "学生应遵守的要求"):
        assert section in text
    for duty in ("热身", "急救", "天气", "健康状况", "服装", "意外伤害保险"):
        assert duty in text
    assert "学生姓名：＿" in text and "乙方签字：＿" in text and "学生签名：＿" in text


def test_without_an_outdoor_club_the_outdoor_agreement_says_so_in_one_paragraph(term):
    record = term.record
    outdoor = set(cp.outdoor_clubs(record)[ACTIVITY_ID])
    clubs = record.groups.clubs.copy()
    clubs.loc[clubs[ACTIVITY_ID].isin(outdoor), al.STATUS] = al.CANCELLED
    indoors = dataclasses.replace(record, groups=dataclasses.replace(record.groups, clubs=clubs))
    doc = cp.outdoor_safety_agreement(indoors)
    assert len(doc.blocks) == 1 and isinstance(doc.blocks[0], dm.Paragraph)
    assert "没有在室外场地活动的项目" in doc.blocks[0].text
    notice = dm.plain_text(cp.club_notice(indoors))
    assert "《室外活动安全责任协议书》" not in notice
    for code in outdoor:
        assert code in notice  # now listed among the clubs that did not open


def test_the_fee_notice_reuses_the_public_tables(term):
    doc, text = doc_named(term, "收费公示")
    record = term.record
    notice = fees.public_notice(record.fees.ledger, record.settings, record.fees.budget)
    for line in ("收费标准", "结算方式", "减免政策", "经费用途", "中途加入或退出"):
        assert line in text
    assert f"{fees.quantize_fen(record.settings.fee.standard)}元" in text
    assert "水电" in text and "场地使用" in text
    tables = [b for b in doc.blocks if isinstance(b, dm.Table)]
    assert tables[0].frame.equals(notice["全校按月汇总"])
    assert any(t.frame.equals(notice["各班收费汇总"]) for t in tables)
    budget = next(t.frame for t in tables if t.title == "经费收支情况")
    total = notice["经费收支"].set_index(fees.MONTH).loc[fees.TOTAL_LABEL]
    turned = budget.set_index("项目")[fees.TOTAL_LABEL]
    assert all(turned[item] == total[item] for item in total.index)
    term_total = str(notice["全校按月汇总"].iloc[-1][fees.PAID])
    assert term_total in text
    for column in (STUDENT_ID, NAME):
        assert all(column not in t.frame.columns for t in tables)


def test_the_class_lists_mask_names_and_show_no_student_number(term):
    doc, text = doc_named(term, "社团名单（班级公示）")
    people = term.record.groups.people.taking_part
    tables = [b for b in doc.blocks if isinstance(b, dm.Table)]
    classes = people[["年级", "班级"]].drop_duplicates()
    assert len(tables) == len(classes)
    assert sum(isinstance(b, dm.PageBreak) for b in doc.blocks) == len(classes) - 1
    assert tables[0].title.startswith("一年级1班") and tables[-1].title.startswith("六年级")
    assert all(set(t.frame.columns) == {"序号", "姓名", "社团", "活动日"} for t in tables)
    shown = [n for t in tables for n in _names_in(t.frame)]
    assert len(shown) == len(people)
    assert all("*" in n for n in shown)
    assert sorted(shown) == sorted(mask_name(n) for n in people[NAME])
    assert re.search(r"[\u4e00-\u9fff]\*[\u4e00-\u9fff]", text)  # 张*明
    placed = term.record.groups.placements
    someone = placed[STUDENT_ID].iloc[0]
    club = term.record.groups.clubs.set_index(ACTIVITY_ID).at[placed[ACTIVITY_ID].iloc[0], "活动名称"]
    row = people[people[STUDENT_ID] == someone].iloc[0]
    assert any(mask_name(row[NAME]) == n and club in c for t in tables for n, c in _pairs(t.frame))
    unplaced = set(people[STUDENT_ID]) - set(placed[STUDENT_ID])
    assert unplaced and (cp.NOT_PLACED in text or cp.NO_CLUB in text)
    for sid in people[STUDENT_ID]:
        assert str(sid) not in text


def _names_in(frame: pd.DataFrame) -> list[str]:
    return [n for n, _ in _pairs(frame)]


def _pairs(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """(姓名, 社团) of every child in a class table, one half or two side by side."""
    out = []
    for start in range(0, frame.shape[1], 4):
        half = frame.iloc[:, start:start + 4]
        out += [(n, c) for n, c in zip(half.iloc[:, 1], half.iloc[:, 2]) if n]
    return out


# --- privacy on the Word files ------------------------------------------------------------------------

def test_no_public_document_names_a_child_or_parent_or_prints_a_phone(term):
    students = term.check.frame("students")
    # staff names may be printed (who runs a club); a child called 吴晓 is not leaked by 吴晓丽
    staff = sorted({str(n) for n in term.check.frame("staff")[NAME]}, key=len, reverse=True)
    names = {str(n) for column in (NAME, PARENT_NAME) for n in students[column].dropna() if len(str(n)) >= 2}
    phones = {p for cell in students[PHONE].dropna() for p in str(cell).split("/")}
    ids = {str(s) for s in students[STUDENT_ID]}
    assert len(names) > 1000 and len(phones) > 1000
    for doc in term.docs:
        assert doc.public
        text = docx_text(term.files[doc.file_stem]) + "\n" + dm.plain_text(doc)
        for name in staff:
            text = text.replace(name, "〇")
        leaked = [n for n in names if n in text]
        assert not leaked, f"{doc.file_stem} 含有未隐去的姓名：{leaked[:5]}"
        assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text), doc.file_stem
        assert not any(p in text for p in phones), doc.file_stem
        assert not any(s in text for s in ids), doc.file_stem


# --- the service-record workbook -------------------------------------------------------------------------

def test_service_records_have_a_sheet_per_group_and_weekday(term, tmp_path):
    record = term.record
    path = cp.write_service_records(record, tmp_path / cp.SERVICE_RECORDS_FILE)
    book = openpyxl.load_workbook(path)
    care = record.groups.care.groups
    clubs = record.groups.clubs[record.groups.clubs[al.STATUS] == al.OPEN]
    club_days = sum(len(str(d).split(",")) for d in clubs["活动日"])
    assert len(book.sheetnames) == len(care) + club_days
    assert len(set(book.sheetnames)) == len(book.sheetnames) and all(len(n) <= 31 for n in book.sheetnames)
    # one care group by hand: the calendar's service days whose timetable is Wednesday
    days = record.calendar.days
    service = days[days["是否服务"]]
    timetable = [f if isinstance(f, str) and f else w for f, w in zip(service["按周几课表"], service["星期"])]
    wednesdays = [d for d, t in zip(service["日期"], timetable) if t == "周三"]
    group = care[care["星期"] == "周三"].iloc[0]
    sheet = book[f"周三 {group['组别']}"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [c.value for c in sheet[3]] == list(cp.RECORD_COLUMNS)
    assert len(rows) == len(wednesdays) == 19
    assert [r[0][:10] for r in rows] == [f"{d:%Y-%m-%d}" for d in wednesdays]
    assert any("周日，按周三课表" in r[0] for r in rows)  # the 调休 Sunday of 2025-09-28
    duties = record.staffing.duties
    lead = duties[(duties["星期"] == "周三") & (duties["组别"] == group["组别"]) & (duties["角色"] == "负责")]
    assert {r[2] for r in rows} == {"、".join(lead[NAME])}
    assert {r[1] for r in rows} == {group["场地"]} and {r[4] for r in rows} == {int(group["人数"])}
    assert all(r[3] is None and r[5] is None and r[8] is None for r in rows)  # left to write in
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$3:$3"
    assert sheet["A1"].value.startswith(record.settings.school_name)
    assert sheet.cell(row=4, column=9).border.left.style == "thin"
    code = clubs[ACTIVITY_ID].iloc[0]
    club_sheet = next(book[n] for n in book.sheetnames if f" {code} " in n)
    assert {r[4] for r in club_sheet.iter_rows(min_row=4, values_only=True)} == {int(clubs[al.PLACED_COUNT].iloc[0])}
    names = {str(n) for n in term.check.frame("students")[NAME]}
    assert not any(str(c) in names for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r if c)
    again = cp.write_service_records(record, tmp_path / "again.xlsx")
    assert again.read_bytes() == path.read_bytes()


# --- a look at the pages ------------------------------------------------------------------------------------

@pytest.mark.skipif(find_soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice or pdftotext is not installed")
def test_each_class_list_is_one_posted_page(term, tmp_path):
    result = docx_to_pdf(term.files["社团名单（班级公示）"], tmp_path / "社团名单.pdf")
    assert result.made, result.message
    text = subprocess.run(["pdftotext", "-layout", str(result.path), "-"], capture_output=True, check=True).stdout.decode("utf-8")
    pages = [p.replace(" ", "") for p in text.split("\f") if p.strip()]
    doc = next(d for d in term.docs if d.file_stem == "社团名单（班级公示）")
    titles = [b.title for b in doc.blocks if isinstance(b, dm.Table)]
    assert len(pages) == len(titles)
    for page, title in zip(pages, titles):
        assert title.split("（")[0] in page and term.record.settings.school_name in page
