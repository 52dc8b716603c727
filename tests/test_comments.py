"""The 意见建议 summary: exact themes on hand-made comments, masking, nothing lost, silent jieba."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from afterschool_lib.comments import (
    NO_OPINION,
    OTHER,
    THEMES,
    summarise_comments,
    themes_sentence,
)
from afterschool_lib.paths import sample_dir
from afterschool_lib.schema import CLASS, COMMENTS, EXCEL_ROW, GRADE, RESPONDENT
from afterschool_lib.validate import check_folder

NA = pd.NA
THEME_HEAD = ["主题", "条数", "占比"]
COMMENT_COLUMNS = [EXCEL_ROW, RESPONDENT, GRADE, CLASS, COMMENTS, "主题"]


def answers(rows: list[tuple]) -> pd.DataFrame:
    """A satisfaction frame as the loader returns it, with one question column to be ignored."""
    frame = pd.DataFrame(rows, columns=[EXCEL_ROW, RESPONDENT, GRADE, CLASS, COMMENTS])
    frame["总体满意度"] = "满意"
    return frame.astype({EXCEL_ROW: "Int64", GRADE: "Int64", CLASS: "Int64"})


HAND_MADE = answers([
    (2, "家长", 3, 2, "希望篮球社团多开一个班"),
    (3, "家长", 1, 1, "放学时间能否延后到18:30"),
    (4, "学生", 2, 1, "老师很好"),
    (5, "家长", 1, 1, "接孩子时校门口有点拥堵"),  # jieba cuts 接 + 孩子: found as a substring
    (6, "教师", NA, NA, "补助发放希望更及时"),
    (7, "家长", 2, 3, "对作业辅导不太满意"),  # 作业 inside the word 作业辅导; 满意 negated
    (8, "家长", 2, 3, "学费太贵了"),
    (9, "学生", 3, 1, "抢救演练很有意思"),  # 抢 is a keyword only as a word of its own
    (10, "家长", 5, 2, "无"),
    (11, "家长", 5, 2, "   "),
    (12, "家长", 5, 2, None),
    (13, "家长", 4, 1, "孩子放学时很饿"),
    (14, "学生", 1, 2, "我想养一只小猫"),
])


def test_themes_of_hand_made_comments_are_exact():
    summary = summarise_comments(HAND_MADE)

    assert summary.blank == 2
    assert summary.themes.columns.tolist() == [*THEME_HEAD, "家长", "学生", "教师", "关键词", "例句"]
    rows = summary.themes[["主题", "条数", "家长", "学生", "教师", "关键词"]].values.tolist()
    assert rows == [
        ["收费与补助", 2, 1, 0, 1, "学费、补助、太贵"],
        ["作业辅导", 1, 1, 0, 0, "作业、辅导"],
        ["社团活动", 1, 1, 0, 0, "社团、篮球"],
        ["服务时间", 1, 1, 0, 0, "时间、延后"],
        ["安全与接送", 1, 1, 0, 0, "接孩子、拥堵、校门、门口"],
        ["师资", 1, 0, 1, 0, "老师"],
        ["餐点与午休", 1, 1, 0, 0, "饿"],
        ["表扬与感谢", 1, 0, 1, 0, "很好"],
        [NO_OPINION, 1, 1, 0, 0, ""],
        [OTHER, 2, 0, 2, 0, ""],
    ]
    assert summary.themes["占比"].tolist() == pytest.approx([2 / 11] + [1 / 11] * 8 + [2 / 11])
    assert summary.themes.loc[0, "例句"] == "“学费太贵了”；“补助发放希望更及时”"


def test_comments_are_listed_once_sorted_by_respondent_grade_class_row():
    comments = summarise_comments(HAND_MADE).comments

    assert comments.columns.tolist() == COMMENT_COLUMNS
    assert comments[[EXCEL_ROW, RESPONDENT, "主题"]].values.tolist() == [
        [3, "家长", "服务时间"],
        [5, "家长", "安全与接送"],
        [7, "家长", "作业辅导"],
        [8, "家长", "收费与补助"],
        [2, "家长", "社团活动"],
        [13, "家长", "餐点与午休"],
        [10, "家长", NO_OPINION],
        [14, "学生", OTHER],
        [4, "学生", "师资、表扬与感谢"],
        [9, "学生", OTHER],
        [6, "教师", "收费与补助"],
    ]
    assert comments[GRADE].dtype == "Int64" and comments[GRADE].isna().tolist()[-1]


def test_word_frequencies_count_occurrences_and_comments():
    frame = answers([(2, "家长", 1, 1, "篮球篮球社团"), (3, "家长", 1, 1, "社团篮球"),
                     (4, "家长", 1, 1, "孩子希望增加舞蹈课，18:30"), (5, "家长", 1, 1, "舞蹈")])
    summary = summarise_comments(frame)
    assert summary.words.columns.tolist() == ["词语", "次数", "条数"]
    assert summary.words.values.tolist() == [["篮球", 3, 2], ["社团", 2, 2], ["舞蹈", 2, 2], ["增加", 1, 1]]
    assert summarise_comments(frame, top=2).words["词语"].tolist() == ["篮球", "社团"]


def test_phones_id_numbers_and_names_are_masked_everywhere():
    text = "我是张小明的妈妈欧阳丽，电话13812345678，备用138 1234 5678，身份证11010120150101123X"
    frame = answers([(2, "家长", 1, 1, text), (3, "家长", 1, 1, "小明和欧阳很喜欢作业辅导"),
                     (4, "家长", 1, 2, "请联系１３９１２３４５６７８")])  # full-width, as input methods type it
    summary = summarise_comments(frame, names=["张小明", "小明", "欧阳丽", "欧阳", None, "李"])

    expected = "我是张*明的妈妈欧*丽，电话138****5678，备用138****5678，身份证**************123X"
    assert summary.comments[COMMENTS].tolist() == [expected, "小*和欧*很喜欢作业辅导", "请联系139****5678"]
    everything = " ".join(summary.themes["例句"]) + " ".join(summary.words["词语"])
    for secret in ("张小明", "欧阳丽", "13812345678", "1234 5678", "201501011"):
        assert secret not in everything
    assert "“小*和欧*很喜欢作业辅导”" in summary.themes["例句"].tolist()[0]


def test_nothing_is_lost_in_the_sample_school():
    frame = check_folder(sample_dir()).frame("satisfaction")
    summary = summarise_comments(frame)

    written = frame[frame[COMMENTS].fillna("").str.strip() != ""]
    assert len(summary.comments) == len(written) == summary.total > 0
    assert sorted(summary.comments[EXCEL_ROW]) == sorted(written[EXCEL_ROW])
    assert summary.blank == len(frame) - len(written)
    # every comment counts once in each of its themes, and each theme's respondents add up
    themes_per_comment = summary.comments["主题"].str.split("、").map(len)
    assert summary.themes["条数"].sum() == themes_per_comment.sum()
    assert (summary.themes[["家长", "学生", "教师"]].sum(axis=1) == summary.themes["条数"]).all()
    assert summary.themes["主题"].iloc[0] == "社团活动"
    assert len(summary.words) == 20 and "孩子" not in summary.words["词语"].tolist()
    assert themes_sentence(summary).startswith(f"共收到意见建议 {len(written)} 条，最集中的是社团活动（")


def test_blank_only_and_missing_column_give_empty_tables():
    blank_only = answers([(2, "家长", 1, 1, None), (3, "学生", 2, 1, " \n"), (4, "家长", 1, 1, ""),
                          (5, "家长", 1, 1, "\u200b")])  # a zero-width space, as survey platforms leave
    summary = summarise_comments(blank_only)
    assert summary.blank == 4
    assert summary.comments.empty and summary.comments.columns.tolist() == COMMENT_COLUMNS
    assert summary.themes.empty and summary.themes.columns.tolist() == [*THEME_HEAD, "家长", "学生", "关键词", "例句"]
    assert summary.words.empty and summary.words.columns.tolist() == ["词语", "次数", "条数"]
    assert themes_sentence(summary) == "本次问卷没有收到意见建议。"

    no_column = summarise_comments(blank_only.drop(columns=[COMMENTS]))
    assert no_column.blank == 4 and no_column.comments.empty and no_column.themes.empty
    nothing = summarise_comments(pd.DataFrame())
    assert nothing.blank == 0 and nothing.comments.columns.tolist() == COMMENT_COLUMNS


def test_themes_sentence():
    summary = summarise_comments(HAND_MADE)
    assert themes_sentence(summary) == ("共收到意见建议 11 条（其中 1 条表示没有意见），"
                                        "最集中的是收费与补助（2 条）、作业辅导（1 条）和社团活动（1 条）。")
    assert themes_sentence(summary, n=1) == "共收到意见建议 11 条（其中 1 条表示没有意见），最集中的是收费与补助（2 条）。"
    other_only = summarise_comments(answers([(2, "学生", 1, 1, "我想养一只小猫")]))
    assert themes_sentence(other_only) == "共收到意见建议 1 条，未能归入常见主题，请逐条查看。"


def test_each_keyword_belongs_to_one_theme():
    keywords = [k for words in THEMES.values() for k in words]
    assert len(keywords) == len(set(keywords)) and all(keywords)


def test_first_use_writes_nothing_to_stderr_and_raises_no_warning(tmp_path: Path, capfd):
    """In a fresh process (jieba initialises once per process), under -W error, with a
    pkg_resources that warns on import as recent setuptools does."""
    fake = tmp_path / "pkg_resources.py"
    fake.write_text(textwrap.dedent("""\
        import os, sys, warnings
        warnings.warn("pkg_resources is deprecated as an API.", UserWarning, stacklevel=2)

        def resource_stream(package, path):
            return open(os.path.join(os.path.dirname(sys.modules[package].__file__), path), "rb")
        """), encoding="utf-8")
    script = textwrap.dedent("""\
        import logging, sys
        import pandas as pd
        from afterschool_lib.comments import summarise_comments
        assert "jieba" not in sys.modules, "jieba is imported only when summarising"
        frame = pd.DataFrame({"身份": ["家长"], "意见建议": ["希望增加篮球社团"]})
        summary = summarise_comments(frame)
        summarise_comments(frame)
        import jieba
        assert sys.modules["pkg_resources"].__file__.startswith(sys.argv[1])
        print(summary.comments["主题"].tolist(), logging.getLogger("jieba").level, jieba.dt.initialized)
        """)
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(root)]), "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-W", "error", "-c", script, str(tmp_path)], check=False, cwd=root, env=env)
    out, err = capfd.readouterr()
    assert result.returncode == 0, err
    assert err == ""
    assert out.strip() == "['社团活动'] 10 False"  # jieba's own logger level and global tokenizer untouched
