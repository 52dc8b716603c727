"""The sample school: the same seed gives the same bytes, sizes are realistic, the mess is planted."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from afterschool_lib import sample_school, schema
from afterschool_lib.loaders import load_input

CORE_INPUTS = ("students", "activities", "rooms", "staff")


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("示例小学")
    sample_school.generate_sample_school(out)
    return out


def _load(folder: Path, stem: str):
    path = next(p for p in sorted(folder.iterdir()) if p.stem == stem and p.suffix in schema.TABLE_SUFFIXES)
    return load_input(stem, path)


def test_every_file_is_written(sample_dir: Path):
    names = {p.name for p in sample_dir.iterdir()}
    expected = {f"{stem}.xlsx" for stem in ("students", "activities", "rooms", "staff", "calendar", "incidents", "satisfaction")}
    assert expected | {"survey.csv", "attendance.csv", schema.SETTINGS_FILE} <= names
    assert not [n for n in names if n.startswith(".tmp-")]


def test_same_seed_gives_identical_bytes(sample_dir: Path, tmp_path: Path):
    again = sample_school.generate_sample_school(tmp_path / "again")
    assert len(again) == 13
    for path in again:
        inside = path.relative_to(tmp_path / "again")  # 上学期/期末评价.xlsx sits in a subfolder
        assert path.read_bytes() == (sample_dir / inside).read_bytes(), str(inside)


def test_another_seed_gives_another_school():
    first = sample_school.make_students(2025)
    other = sample_school.make_students(7)
    assert first[schema.NAME].tolist() != other[schema.NAME].tolist()
    assert first.equals(sample_school.make_students(2025))


@pytest.mark.parametrize("stem", CORE_INPUTS)
def test_core_inputs_load_without_errors(sample_dir: Path, stem: str):
    result = _load(sample_dir, stem)
    assert not [p for p in result.problems if p.is_error], [str(p) for p in result.problems]
    assert result.rows_kept == result.rows_read


def test_students_realistic_size_and_shares(sample_dir: Path):
    students = _load(sample_dir, "students").frame
    assert 1100 <= len(students) <= 1300
    assert students[schema.STUDENT_ID].is_unique
    assert students[schema.STUDENT_ID].str.fullmatch(r"20(1[89]|2[0-5])07\d{4}").all()
    sizes = students.groupby([schema.GRADE, schema.CLASS]).size()
    assert len(sizes) == 24
    assert sizes.between(45, 55).all()
    assert 0.025 <= students[schema.LEFT_BEHIND].mean() <= 0.06
    assert 0.015 <= students[schema.HARDSHIP].mean() <= 0.05
    assert 0.09 <= students[schema.MIGRANT].mean() <= 0.16
    families = students.dropna(subset=[schema.PHONE]).groupby([schema.PARENT_NAME, schema.PHONE])
    siblings = families.filter(lambda f: f[schema.GRADE].nunique() > 1)
    assert 20 <= siblings.groupby([schema.PARENT_NAME, schema.PHONE]).ngroups <= 50


def test_staff_activities_rooms_fit_together(sample_dir: Path):
    staff = _load(sample_dir, "staff").frame
    activities = _load(sample_dir, "activities").frame
    rooms = _load(sample_dir, "rooms").frame
    assert 60 <= len(staff) <= 80
    assert 25 <= len(activities) <= 35
    assert set(activities[schema.ROOM]) <= set(rooms[schema.ROOM])
    assert set(activities[schema.CATEGORY]) <= set(schema.CATEGORIES)
    skills = "、".join(staff[schema.SKILLS].dropna())
    assert all(skill in skills for skill in activities[schema.SKILL_NEEDED])
    known = set(staff[schema.STAFF_ID]) | set(staff[schema.NAME])
    assert set(activities[schema.ASSIGNED_TEACHER].dropna()) <= known
    booked = activities.assign(day=activities[schema.ACTIVITY_DAYS].str.split(",")).explode("day")
    assert not booked.duplicated([schema.ROOM, "day"]).any()  # no room holds two clubs at once
    assert set(staff[schema.VETTING]) == {"通过", "待审核", "未通过"}
    assert (staff[schema.VETTING] == "未通过").sum() == 1


def test_survey_is_gbk_with_one_repeated_application(sample_dir: Path):
    data = (sample_dir / "survey.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    raw = pd.read_csv(io.StringIO(data.decode("gb18030")), dtype=str, keep_default_na=False)
    assert list(raw.columns) == list(schema.SURVEY.names)
    repeated = raw[raw[schema.STUDENT_ID].duplicated(keep=False)]
    assert len(repeated) == 2 and repeated[schema.STUDENT_ID].nunique() == 1
    first, later = repeated.sort_values(schema.SUBMITTED_AT).to_dict("records")
    assert first[schema.CHOICE_1] != later[schema.CHOICE_1]

    result = _load(sample_dir, "survey")
    assert [p.row for p in result.problems] == [int(repeated.index.min()) + 2]
    survey = result.frame
    students = _load(sample_dir, "students").frame
    kept = survey.set_index(schema.STUDENT_ID).loc[first[schema.STUDENT_ID]]
    assert kept[schema.CHOICE_1] == later[schema.CHOICE_1]
    share = survey[schema.JOIN].sum() / len(students)
    assert 0.85 <= share <= 0.92
    joined = survey.merge(students[[schema.STUDENT_ID]], on=schema.STUDENT_ID).groupby(schema.GRADE)[schema.JOIN].mean()
    assert joined.loc[1] > joined.loc[6]


def test_clubs_popular_and_unpopular(sample_dir: Path):
    survey = _load(sample_dir, "survey").frame
    activities = _load(sample_dir, "activities").frame
    code_of = dict(zip(activities[schema.ACTIVITY_NAME], activities[schema.ACTIVITY_ID]))
    chosen = pd.concat([survey[c] for c in schema.CHOICES]).dropna().map(lambda v: code_of.get(v, v))
    assert chosen.isin(activities[schema.ACTIVITY_ID]).all()
    demand = chosen.value_counts()
    limits = activities.set_index(schema.ACTIVITY_NAME)
    for name in ("趣味篮球", "趣味编程", "机器人", "少儿舞蹈"):
        first_choices = survey[schema.CHOICE_1].map(lambda v: code_of.get(v, v)).eq(limits.at[name, schema.ACTIVITY_ID]).sum()
        assert first_choices > 1.5 * limits.at[name, schema.CAPACITY_MAX], name
    for name in ("围棋", "剪纸"):
        assert demand.get(limits.at[name, schema.ACTIVITY_ID], 0) < limits.at[name, schema.CAPACITY_MIN], name


def test_attendance_size_shares_and_planted_problems(sample_dir: Path):
    path = sample_dir / "attendance.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert path.stat().st_size < 8_000_000
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert 60_000 <= len(raw) <= 120_000
    shares = raw[schema.STATUS].value_counts(normalize=True)
    assert 0.90 <= shares["出勤"] <= 0.96
    assert 0.03 <= shares["请假"] <= 0.07
    assert 0.01 <= shares["缺勤"] <= 0.035
    absent = raw[raw[schema.STATUS] != "出勤"]
    assert (absent[schema.SIGN_OUT] == "").all() and (absent[schema.PICKED_UP_BY] == "").all()
    assert (raw[schema.DATE] == "2025-10-01").sum() == 1
    students = _load(sample_dir, "students").frame
    assert (~raw[schema.STUDENT_ID].isin(students[schema.STUDENT_ID])).sum() == 1
    assert raw.duplicated().sum() == 1
    assert set(raw[schema.ITEM]) - {schema.HOMEWORK_ITEM} <= {a.code for a in sample_school.ACTIVITIES}


def test_incidents_match_late_sign_outs(sample_dir: Path):
    incidents = _load(sample_dir, "incidents").frame
    assert 2 <= len(incidents) <= 4
    assert not [p for p in _load(sample_dir, "incidents").problems if p.is_error]
    raw = pd.read_csv(sample_dir / "attendance.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    for row in incidents[incidents[schema.INCIDENT_TYPE] == "未按时接领"].itertuples(index=False):
        record = row._asdict()
        day = raw[(raw[schema.DATE] == record[schema.DATE].strftime("%Y-%m-%d"))
                  & (raw[schema.STUDENT_ID] == record[schema.STUDENT_ID])]
        assert (day[schema.SIGN_OUT] > "18:00").all()


def test_satisfaction_mostly_positive(sample_dir: Path):
    result = _load(sample_dir, "satisfaction")
    assert not [p for p in result.problems if p.is_error]
    frame = result.frame
    counts = frame[schema.RESPONDENT].value_counts()
    assert 750 <= counts["家长"] <= 850 and 550 <= counts["学生"] <= 650 and 50 <= counts["教师"] <= 70
    for who, low, high in (("家长", 0.84, 0.92), ("学生", 0.88, 0.96)):
        answers = frame.loc[frame[schema.RESPONDENT] == who, list(sample_school.SATISFACTION_QUESTIONS)].stack()
        assert low <= answers.isin(["非常满意", "满意"]).mean() <= high, who
    assert 0.06 <= frame[schema.COMMENTS].notna().mean() <= 0.14


def test_settings_keep_comments_and_name_the_school(sample_dir: Path):
    text = (sample_dir / schema.SETTINGS_FILE).read_text(encoding="utf-8")
    template = sample_school.SETTINGS_TEMPLATE.read_text(encoding="utf-8")
    assert f"学校名称: {sample_school.SCHOOL_NAME}" in text
    assert text.count("#") == template.count("#")
    assert "组长" in text and "（校长）" in text
