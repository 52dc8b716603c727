"""Step 02 beyond the allocation rules: care groups, the workbooks, reading them back, the command."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd

from afterschool_lib import allocation as al
from afterschool_lib import care_groups as cg
from afterschool_lib import group_files as gf
from afterschool_lib.cli import main
from afterschool_lib.loaders import load_input
from afterschool_lib.schema import WEEKDAY_NAMES


def _students(counts: dict[int, int], days: str = "周一,周二,周三,周四,周五") -> pd.DataFrame:
    rows = []
    for grade, count in counts.items():
        for i in range(count):
            rows.append({"学号": f"{grade}{i:04d}", "姓名": f"学生{grade}{i}", "年级": grade, "班级": 1 + i % 3,
                         "服务日": days})
    return pd.DataFrame(rows)


def _rooms(count: int, capacity: int = 50) -> pd.DataFrame:
    grades = "一二三四五六"
    rows = [{"场地": f"{grades[g]}({c})班教室", "类型": "普通教室", "容量": capacity} for g in range(6) for c in range(1, 5)]
    return pd.DataFrame(rows[:count])


def test_every_student_is_in_exactly_one_group_each_day():
    students = _students({1: 100, 2: 5, 3: 47, 4: 44, 5: 91, 6: 3})
    students.loc[students.index[:10], "服务日"] = "周一,周三"
    care = cg.form_care_groups(students, _rooms(24), (0, 1, 2, 3, 4), group_size=45)
    for day in range(5):
        members = care.members[care.members["星期"] == WEEKDAY_NAMES[day]]
        expected = students[[WEEKDAY_NAMES[day] in d for d in students["服务日"]]]["学号"]
        assert sorted(members["学号"]) == sorted(expected)  # each exactly once
        groups = care.groups[care.groups["星期"] == WEEKDAY_NAMES[day]]
        assert groups["人数"].max() <= 45
        assert (groups["人数"] <= groups["容量"]).all()
        assert groups["场地"].is_unique  # no room holds two groups
    monday = care.groups[care.groups["星期"] == "周一"].set_index("组别")
    # 5 second-graders join grade 1 (一二年级混龄), 3 sixth-graders join grade 5; 100 first-graders need 3 groups
    assert {"一二年级混龄1组", "一二年级混龄2组", "一二年级混龄3组", "五六年级混龄1组"} <= set(monday.index)
    assert monday.loc["一二年级混龄1组", "类型"] == cg.MIXED and monday.loc["一二年级混龄1组", "无书面作业"]
    assert not monday.loc["三年级1组", "无书面作业"] and monday.loc["三年级1组", "类型"] == cg.BY_GRADE
    # grades 1-2 never share a group with grade 3
    mixed = care.members.merge(care.groups, on=["星期", "组别"])
    assert not ((mixed["年级"] == 3) & mixed["无书面作业"]).any()


def test_group_sizes_are_even_and_classmates_stay_together():
    care = cg.form_care_groups(_students({3: 91}), _rooms(24), (0,), group_size=45)
    assert care.groups["人数"].tolist() == [31, 30, 30]
    first = care.members[care.members["组别"] == "三年级1组"]
    assert first["班级名称"].nunique() == 1  # 91 children in 3 classes of ~30: each group is one class


def test_rooms_used_by_clubs_are_left_free_and_shortage_is_named():
    activities = pd.DataFrame({"活动编号": ["A01"], "场地": ["三(1)班教室"], "活动日": ["周一"]})
    care = cg.form_care_groups(_students({3: 40}), _rooms(24), (0, 1), 45, activities, None, {"A01"})
    rooms = care.groups.set_index("星期")["场地"]
    assert rooms["周一"] != "三(1)班教室" and rooms["周二"] == "三(1)班教室"
    crowded = cg.form_care_groups(_students({3: 40}), _rooms(2, capacity=20), (0,), 45)
    assert crowded.groups["场地"].tolist() == [cg.UNASSIGNED_ROOM]
    assert any("没有空闲的场地" in p.message for p in crowded.problems)


def test_two_clubs_in_one_room_on_one_day_are_named():
    activities = pd.DataFrame({"活动编号": ["A01", "A02", "A03"], "场地": ["美术室"] * 3,
                               "活动日": ["周一,周三", "周三", "周四"]})
    problems = cg.club_room_clashes(activities)
    assert len(problems) == 1 and "A01 和 A02" in problems[0].message and "周三" in problems[0].message
    assert cg.club_room_clashes(activities, open_clubs={"A01", "A03"}) == []



def test_allocate_command_writes_the_contract_and_reads_back(sample_copy: Path, cn_dir: Path, capsys):
    out = cn_dir / "结果" / "社团分配.xlsx"
    assert main(["allocate", "--data", str(sample_copy), "--method", "optimal", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "分配到社团" in printed and "公示版" in printed
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames[0] == "分配结果" and "未分配" in book.sheetnames
    first = pd.read_excel(out, sheet_name=0, dtype=str)
    assert list(first.columns[:3]) == ["学号", "活动编号", "志愿序号"] and {"抽签号", "优先级"} <= set(first.columns)
    unplaced = pd.read_excel(out, sheet_name="未分配", dtype=str)
    assert list(unplaced.columns[:2]) == ["学号", "原因"] and unplaced["原因"].notna().all()
    lottery = pd.read_excel(out, sheet_name="抽签号", dtype=str)
    left_out = unplaced["原因"].str.endswith("未参加社团分配")
    assert unplaced.loc[left_out, "原因"].str.startswith("审核未通过").any()
    assert set(first["学号"]) | set(unplaced.loc[~left_out, "学号"]) <= set(lottery["学号"])
    # every application listing a club is placed or says why not
    survey = load_input("survey", sample_copy / "survey.csv").frame
    asked = survey.loc[survey[["志愿1", "志愿2", "志愿3"]].notna().any(axis=1), "学号"]
    assert set(asked) <= set(first["学号"]) | set(unplaced["学号"])
    # the public version: no 学号, no phone, masked names
    public = out.with_name("社团分配_公示版.xlsx")
    posted = pd.read_excel(public, sheet_name=None, dtype=str)
    assert "候补名单" not in posted  # its order would show who belongs to a priority group
    for sheet, frame in posted.items():
        assert {"学号", "联系电话", "优先级"}.isdisjoint(frame.columns), sheet
        if "姓名" in frame:
            assert frame["姓名"].str.contains(r"\*").all()
    codes = dict(zip(lottery["学号"], lottery["抽签码"]))
    assert posted["抽签号"]["抽签码"].isin(set(codes.values())).all()
    # a re-run locking these placements moves nobody
    placed, earlier, problems = gf.read_allocation(out)
    assert problems == [] and len(placed) == len(first) and earlier == set(lottery["学号"])
    again = cn_dir / "第二次.xlsx"
    assert main(["allocate", "--data", str(sample_copy), "--method", "da", "--current", str(out), "--out", str(again)]) == 0
    second = pd.read_excel(again, sheet_name=0, dtype=str)
    kept = set(zip(first["学号"], first["活动编号"]))
    assert kept <= set(zip(second["学号"], second["活动编号"]))
    # 抽签码 never changes from one run to the next (the 抽签号 is a rank and may shift)
    later = pd.read_excel(again, sheet_name="抽签号", dtype=str)
    assert all(codes[sid] == code for sid, code in zip(later["学号"], later["抽签码"]) if sid in codes)


def test_allocate_refuses_a_workbook_that_is_not_an_allocation(sample_copy: Path, cn_dir: Path, capsys):
    code = main(["allocate", "--data", str(sample_copy), "--current", str(sample_copy / "students.xlsx"),
                 "--out", str(cn_dir / "x.xlsx")])
    assert code == 1 and "不是本工具导出的社团分配结果" in capsys.readouterr().out


def test_club_and_group_lists_are_printable_workbooks(sample_copy: Path, cn_dir: Path):
    students = pd.DataFrame({"学号": ["1", "2", "3"], "姓名": ["张小明", "李四", "王芳芳"], "年级": [3, 3, 4],
                             "班级": [1, 2, 1], "服务日": ["周一,周三"] * 3, "志愿1": ["A01", "A01", "A01"],
                             "志愿2": [None] * 3, "志愿3": [None] * 3, "最多社团数": [1, 1, 1],
                             "联系电话": ["13800001234"] * 3, "家长姓名": ["张三", "李五", "王六"]})
    activities = pd.DataFrame({"活动编号": ["A01"], "活动名称": ["趣味篮球"], "适用年级": ["3,4"], "人数上限": [2],
                               "开班最低人数": [1], "活动日": ["周一"], "场地": ["篮球场"], "指定教师": ["W03"]})
    allocation = al.allocate(students, activities, "da", 1)
    path = gf.write_club_lists(cn_dir / "社团名单.xlsx", allocation, students, activities)
    sheet = openpyxl.load_workbook(path)["A01 趣味篮球"]
    assert sheet["A1"].value == "A01 趣味篮球 学生名单" and "篮球场" in sheet["A2"].value
    assert sheet.print_title_rows == "$3:$3" and sheet.max_row == 3 + 2
    care = cg.form_care_groups(students, _rooms(24), (0, 2), 45)
    path = gf.write_group_lists(cn_dir / "分组.xlsx", care, ["周一", "周三"])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["分组总表", "周一", "周三"]
    assert book["周一"].cell(3, 1).value == "组别"


def test_a_rerun_keeps_the_earlier_seed_and_warns_about_another(sample_copy: Path, cn_dir: Path, capsys):
    first = cn_dir / "第一次"  # no extension given: the workbook still gets .xlsx
    assert main(["allocate", "--data", str(sample_copy), "--seed", "7", "--out", str(first)]) == 0
    first = first.with_name("第一次.xlsx")
    assert first.is_file() and first.with_name("第一次_社团名单.xlsx").is_file()
    assert gf.read_allocation_seed(first) == 7
    capsys.readouterr()
    again = cn_dir / "第二次.xlsx"
    assert main(["allocate", "--data", str(sample_copy), "--current", str(first), "--out", str(again)]) == 0
    assert "随机种子 7" in capsys.readouterr().out and gf.read_allocation_seed(again) == 7
    assert main(["allocate", "--data", str(sample_copy), "--current", str(first), "--seed", "8", "--out", str(again)]) == 0
    assert "上一次分配用的随机种子是 7" in capsys.readouterr().out
