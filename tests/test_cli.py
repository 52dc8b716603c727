"""The ``afterschool`` command as a teacher meets it: Chinese help, one line per problem, exit codes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from afterschool_lib.cli import main
from afterschool_lib.paths import sample_dir

from .conftest import write_csv

LINE = re.compile(r"^\[(错误|警告)\] (\S+)( 第\d+行)?( \S+：.*)? —— .+")



def _run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's --help and usage errors
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("command", [[], ["init"], ["validate"], ["run"]])
def test_help_is_chinese(capsys, command):
    code, out, _ = _run(capsys, *command, "--help")
    assert code == 0
    assert "用法：" in out and "显示本帮助并退出" in out
    assert "usage:" not in out and "show this help" not in out and "options:" not in out


def test_usage_errors_are_chinese(capsys):
    code, _, err = _run(capsys, "validate")
    assert code == 2 and "缺少参数" in err and "错误" in err
    code, _, err = _run(capsys, "validate", "a", "b")
    assert code == 2 and "无法识别的参数" in err
    code, _, err = _run(capsys, "allocate", "--seed", "abc")
    assert code == 2 and "'abc' 不是整数" in err and "invalid" not in err


def test_sample_school_is_usable(capsys):
    code, out, _ = _run(capsys, "validate", str(sample_dir()))
    lines = out.strip().splitlines()
    assert code == 0
    assert all(LINE.match(line) for line in lines[:-1]), lines[:-1]
    assert lines[-1].startswith("共检查 10 个数据文件") and "错误 0 个" in lines[-1]
    numbers = [int(n.replace(",", "")) for n in re.findall(r"([\d,]+) 行", lines[-1])]
    read, kept, dropped = numbers[:3]
    assert read == kept + dropped and dropped == len([line for line in lines[:-1] if "不计入" in line or "未采用" in line or "只保留" in line])


def test_teacher_mistakes_each_get_one_line_and_exit_1(capsys, sample_copy: Path):
    book = openpyxl.load_workbook(sample_copy / "students.xlsx")
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[2]] if sheet["A1"].value and "名单" in str(sheet["A1"].value) else [c.value for c in sheet[1]]
    first_data = 3 if header == [c.value for c in sheet[2]] else 2
    id_col = next(i for i, h in enumerate(header, 1) if h and "学号" in str(h))
    name_col = next(i for i, h in enumerate(header, 1) if h and "姓名" in str(h) and "家长" not in str(h))
    grade_col = next(i for i, h in enumerate(header, 1) if h and "年级" in str(h))
    sheet.cell(first_data + 1, id_col).value = sheet.cell(first_data, id_col).value  # duplicate 学号
    sheet.cell(first_data + 2, name_col).value = None  # empty 姓名
    sheet.cell(first_data + 3, grade_col).value = "七年级"
    book.save(sample_copy / "students.xlsx")
    rooms = sample_copy / "rooms.xlsx"
    rooms.unlink()
    write_csv(sample_copy / "rooms.csv", [["场地", "类型"], ["篮球场", "室外"]])  # 容量 column missing

    code, out, _ = _run(capsys, "validate", str(sample_copy))
    lines = out.strip().splitlines()
    errors = [line for line in lines if line.startswith("[错误]")]
    assert code == 1
    assert lines.index(errors[-1]) < min((i for i, line in enumerate(lines) if line.startswith("[警告]")), default=len(lines))
    assert any(f"第{first_data + 1}行 学号：" in line and "重复" in line for line in errors)
    assert any(f"第{first_data + 2}行 姓名：" in line and "必填" in line for line in errors)
    assert any(f"第{first_data + 3}行 年级：七年级" in line for line in errors)
    assert any(line.startswith("[错误] rooms.csv") and "容量" in line for line in errors)
    assert "请先改正错误" in lines[-1]


def test_validate_one_file(capsys, cn_dir: Path):
    path = write_csv(cn_dir / "学生名单.csv", [["学号", "姓名", "年级", "班级"], ["1", "甲", "一", "2班"], ["1", "乙", "一", "3班"]])
    code, out, _ = _run(capsys, "validate", str(path))
    assert code == 1
    assert "学生名单.csv 第3行 学号：1 —— " in out and "数据 2 行，已读入 1 行，未读入 1 行" in out


def test_init_then_validate(capsys, cn_dir: Path):
    target = cn_dir / "2026春季"
    code, out, _ = _run(capsys, "init", str(target))
    assert code == 0 and (target / "students.xlsx").is_file() and (target / "settings.yaml").is_file()
    code, out, _ = _run(capsys, "init", str(target))
    assert code == 0 and "已存在，未覆盖" in out
    code, out, _ = _run(capsys, "validate", str(target))
    assert code == 1 and "学生名单只有表头" in out


def test_missing_folder(capsys, cn_dir: Path):
    code, _, err = _run(capsys, "validate", str(cn_dir / "不存在"))
    assert code == 1 and "找不到" in err


def test_run_executes_the_notebooks_against_a_copy(tmp_path: Path, sample_copy: Path):
    """The main job end to end, as a separate process exactly as a user runs it."""
    out = tmp_path / "输出"
    result = subprocess.run([sys.executable, "-m", "afterschool_lib.cli", "run", "--data", str(sample_copy), "--out", str(out)],
                            capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stdout + result.stderr
    assert (out / "notebooks" / "00_term_setup.ipynb").is_file()
    assert (out / "学期校历.xlsx").is_file() and (out / "数据检查报告.xlsx").is_file()
    assert "生成" in result.stdout and "全部完成" in result.stdout


def test_run_reports_a_failing_step_in_chinese(tmp_path: Path, sample_copy: Path):
    (sample_copy / "settings.yaml").write_text("学期开始: [\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "afterschool_lib.cli", "run", "--data", str(sample_copy), "--out", str(tmp_path / "o")],
                            capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "settings.yaml" in result.stdout + result.stderr


def test_run_refuses_data_with_errors(capsys, sample_copy: Path, tmp_path: Path):
    write_csv(sample_copy / "rooms.csv", [["场地", "类型"], ["篮球场", "室外"]])
    (sample_copy / "rooms.xlsx").unlink()
    code, out, err = _run(capsys, "run", "--data", str(sample_copy), "--out", str(tmp_path / "o"))
    assert code == 1 and "未运行" in err
    assert "[错误] rooms.csv" in out and "[警告]" not in out
    assert not (tmp_path / "o").exists()


def test_run_explains_a_file_given_for_a_folder(capsys, sample_copy: Path, tmp_path: Path):
    code, _, err = _run(capsys, "run", "--data", str(sample_copy / "students.xlsx"))
    assert code == 1 and "应当是学期文件夹" in err
    blocker = tmp_path / "一个文件"
    blocker.write_text("x", encoding="utf-8")
    code, _, err = _run(capsys, "run", "--data", str(sample_copy), "--out", str(blocker))
    assert code == 1 and "应当是文件夹" in err


def test_init_onto_a_file_is_explained(capsys, tmp_path: Path):
    blocker = tmp_path / "一个文件"
    blocker.write_text("x", encoding="utf-8")
    code, _, err = _run(capsys, "init", str(blocker))
    assert code == 1 and "已有同名的文件" in err


def test_import_survey_writes_the_survey_shape(capsys, sample_copy: Path, tmp_path: Path):
    from afterschool_lib.loaders import load_input

    export = sample_copy / "导出" / "问卷星_课后服务报名.csv"
    out = tmp_path / "申请表.xlsx"
    code, text, _ = _run(capsys, "import-survey", str(export), "--out", str(out), "--data", str(sample_copy))
    assert code == 0, text
    assert "问卷星" in text and "→ 学号" in text and "已写出" in text
    loaded = load_input("survey", out)
    assert not any(p.is_error for p in loaded.problems)
    assert loaded.frame["志愿1"].dropna().str.fullmatch(r"A\d\d").all()  # names turned into 活动编号
    code, _, err = _run(capsys, "import-survey", str(sample_copy / "没有这个文件.csv"))
    assert code == 1 and "找不到" in err


def test_import_survey_mapping_can_be_corrected(capsys, sample_copy: Path, tmp_path: Path):
    from afterschool_lib.loaders import load_input

    export = sample_copy / "导出" / "问卷星_课后服务报名.csv"
    out = tmp_path / "申请表.xlsx"
    code, text, _ = _run(capsys, "import-survey", str(export), "--out", str(out), "--map", "8、是否需要午间托管=")
    assert code == 0, text
    assert "8、是否需要午间托管 → （不使用）" in text
    assert load_input("survey", out).frame["午间托管"].eq(False).all()  # not read: the default stands
    code, _, err = _run(capsys, "import-survey", str(export), "--map", "没有等号")
    assert code == 2 and "原问题=对应列" in err
