"""Later steps plan with the allocation step 02 saved, not with a fresh one."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd

from afterschool_lib import allocation as al
from afterschool_lib import group_files as gf
from afterschool_lib.cli import main
from afterschool_lib.term_state import load_term_groups
from afterschool_lib.validate import check_folder



def test_without_a_saved_allocation_the_default_one_is_used_and_said(sample_copy: Path, cn_dir: Path):
    groups = load_term_groups(sample_copy, check_folder(sample_copy), cn_dir / "还没有结果")
    assert "默认方法 da" in groups.source
    opened = groups.clubs.loc[groups.clubs[al.STATUS] == al.OPEN]
    assert set(opened["活动编号"]) == groups.open_clubs and len(opened) > 20
    assert opened[al.PLACED_COUNT].sum() == len(groups.placements)
    # every student taking part is in one care group on each of their service days
    members = groups.care.members
    assert set(members["学号"]) == set(groups.people.taking_part["学号"])
    assert not members.duplicated(["星期", "学号"]).any()


def test_the_saved_allocation_with_a_hand_move_is_what_later_steps_see(sample_copy: Path, cn_dir: Path):
    out = cn_dir / "输出"
    assert main(["allocate", "--data", str(sample_copy), "--method", "fcfs", "--out", str(out / gf.ALLOCATION_FILE)]) == 0
    book = openpyxl.load_workbook(out / gf.ALLOCATION_FILE)
    sheet = book[gf.PLACEMENT_SHEET]
    header = [c.value for c in sheet[1]]
    first_id = sheet.cell(2, header.index("学号") + 1).value
    sheet.cell(3, header.index("学号") + 1).value = "不存在的学号"  # a leaver
    book.save(out / gf.ALLOCATION_FILE)
    saved = pd.read_excel(out / gf.ALLOCATION_FILE, sheet_name=0, dtype=str)

    groups = load_term_groups(sample_copy, check_folder(sample_copy), out)
    assert gf.ALLOCATION_FILE in groups.source
    assert len(groups.placements) == len(saved) - 1 and first_id in set(groups.placements["学号"])
    (note,) = [p for p in groups.problems if p.file == gf.ALLOCATION_FILE]
    assert "不存在的学号" in note.value and "未计入" in note.message and len(note.value) < 80
    fcfs_counts = saved[saved["学号"] != "不存在的学号"]["活动编号"].value_counts()
    counted = groups.clubs.set_index("活动编号")[al.PLACED_COUNT]
    assert all(counted[code] == n for code, n in fcfs_counts.items())


def test_roster_then_fees_commands_write_the_contract_and_chain(sample_copy: Path, cn_dir: Path, capsys):
    out = cn_dir / "输出"
    assert main(["roster", "--data", str(sample_copy), "--out", str(out / "师资排班.xlsx")]) == 0
    printed = capsys.readouterr().out
    assert "排班" in printed and "默认方法 da" in printed
    book = openpyxl.load_workbook(out / "师资排班.xlsx", read_only=True)
    assert book.sheetnames[0] == "排班" and "缺口" in book.sheetnames
    duties = pd.read_excel(out / "师资排班.xlsx", sheet_name=0, dtype=str)
    assert list(duties.columns[:4]) == ["星期", "组别", "工号", "角色"] and set(duties["角色"]) == {"负责", "值班"}
    staff = pd.read_excel(sample_copy / "staff.xlsx", dtype=str, header=None)
    assert set(duties["工号"]) <= set(staff.stack())  # only people on the staff list

    assert main(["fees", "--data", str(sample_copy), "--out", str(out / "收费台账.xlsx")]) == 0
    printed = capsys.readouterr().out
    assert "师资排班.xlsx（师资安排步骤保存的排班）" in printed and "实收" in printed
    ledger = pd.read_excel(out / "收费台账.xlsx", sheet_name=0, dtype=str)
    assert list(ledger.columns[:6]) == ["学号", "月份", "课时数", "应收金额", "减免金额", "实收金额"]
    assert ledger["月份"].str.fullmatch(r"\d{4}-\d{2}").all()
    posted = pd.read_excel(out / "收费公示.xlsx", sheet_name=None, dtype=str)
    for frame in posted.values():
        assert {"学号", "姓名", "联系电话"}.isdisjoint(frame.columns)
