"""The ``afterschool`` command: a thin Chinese front over the library.

Each subcommand parses its arguments, calls the library, and prints Chinese lines; the exit code
says whether the inputs are usable (0) or not (1). Argument errors exit with 2, as argparse does.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from . import __version__
from .files import describe_os_error
from .paths import reports_dir, sample_dir

_ARGPARSE_MESSAGES = (
    ("the following arguments are required: ", "缺少参数："),
    ("unrecognized arguments: ", "无法识别的参数："),
    ("invalid choice: ", "无效的选择："),
    ("expected one argument", "这个选项后面需要一个值"),
    ("choose from ", "可选："),
    ("argument ", "参数 "),
)
_INVALID_VALUE = re.compile(r"invalid (\w+) value: (.*)")
_KIND_NAMES = {"int": "整数", "float": "数字"}


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        # argparse asks for the usage with prefix "" to build a subcommand's name: keep that
        return super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


class ChineseParser(argparse.ArgumentParser):
    """argparse with its own headings, help flag and error lines in Chinese."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def format_help(self) -> str:
        # section headings end in a full-width colon, like the usage line
        return re.sub(r"^(\S[^\n]*?):$", r"\1：", super().format_help(), flags=re.MULTILINE)

    def error(self, message: str):
        for english, chinese in _ARGPARSE_MESSAGES:
            message = message.replace(english, chinese)
        message = _INVALID_VALUE.sub(lambda m: f"{m.group(2)} 不是{_KIND_NAMES.get(m.group(1), '有效的值')}", message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{message}\n（运行 {self.prog} --help 查看用法）\n")


def _configure_output() -> None:
    """Chinese on a Windows console that is not UTF-8 must not crash the command."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


def build_parser() -> ChineseParser:
    parser = ChineseParser(
        prog="afterschool",
        description="小学课后服务规划工具包：检查数据、生成学期校历，并按顺序运行各步骤笔记本，导出实施方案等文件。",
        epilog="例：afterschool run                 用示例学校跑一遍全流程\n"
               "    afterschool init 2026春季          新建学期文件夹（空白模板）\n"
               "    afterschool validate 2026春季      检查学期文件夹里的数据",
    )
    parser.add_argument("--version", action="version", version=f"afterschool kit {__version__}", help="显示版本号并退出")
    commands = parser.add_subparsers(title="命令", metavar="{init,validate,import-survey,allocate,roster,fees,run}", dest="command", parser_class=ChineseParser)

    init = commands.add_parser("init", help="新建学期文件夹，放入全部空白模板", description="在 DIR 新建学期文件夹，放入每种数据的空白模板（含填写说明和下拉选项）和 settings.yaml。已有的文件不会被覆盖。")
    init.add_argument("folder", metavar="DIR", type=Path, help="新学期文件夹的路径（可以是中文名）")
    init.set_defaults(handler=_cmd_init)

    validate = commands.add_parser("validate", help="检查学期文件夹或单个数据文件", description="检查学期文件夹（或其中一个文件）的数据：每个问题一行，先错误后警告，最后一行是汇总。\n退出码：0 表示可以使用，1 表示有错误。")
    validate.add_argument("target", metavar="DIR|FILE", type=Path, help="学期文件夹，或其中的一个数据文件")
    validate.set_defaults(handler=_cmd_validate)

    survey = commands.add_parser("import-survey", help="把问卷星、腾讯问卷的导出结果整理成 survey 申请表",
                                 description="读取问卷星（按选项文本）或腾讯问卷导出的报名结果，按问题文字对应到申请表的各列，"
                                             "整理成 survey 表（.xlsx）。会列出每个问题对应到哪一列，以及无法识别的答卷。")
    survey.add_argument("export", metavar="FILE", type=Path, help="问卷平台导出的文件（.xls、.xlsx 或 .csv）")
    survey.add_argument("--out", metavar="FILE", type=Path, default=None,
                        help="写出的申请表（默认：与 FILE 同一文件夹下的 survey.xlsx）")
    survey.add_argument("--data", metavar="DIR", type=Path, default=None,
                        help="学期文件夹：用其中的活动清单把社团名称对应到活动编号（默认：FILE 所在的文件夹）")
    survey.add_argument("--map", metavar="原问题=对应列", action="append", default=[],
                        help="更正某个问题的对应关系，可重复使用；如 --map \"7、每天几点接孩子=离校时段\"，"
                             "写成 \"问题=\" 表示不使用这个问题")
    survey.set_defaults(handler=_cmd_import_survey)

    allocate = commands.add_parser("allocate", help="社团分配：按所选方法把学生分到社团，写出分配结果和公示版",
                                   description="读取学期文件夹的学生名单、需求调查、审核结果和活动清单，分配社团名额。\n"
                                               "结果的第一个工作表每个名额一行（学号、活动编号、志愿序号），旁边公布优先级和抽签号；"
                                               "“未分配”工作表列出每名未分到社团的学生和原因。同一文件夹另写一份姓名脱敏的公示版。")
    allocate.add_argument("--data", metavar="DIR", type=Path, default=None, help="学期数据文件夹（默认：自带的示例学校）")
    allocate.add_argument("--method", choices=("da", "da+fill", "optimal", "fcfs"), default="da",
                          help="da：延迟接受，优先群体优先、再按抽签号（默认）；da+fill：再用最大匹配补录未分到的学生；"
                               "optimal：整体最优；fcfs：按提交时间先到先得（对照用）")
    allocate.add_argument("--seed", metavar="N", type=int, default=None,
                          help="抽签用的随机种子（默认：学期开始日期，如 20250901）；公布种子后任何人都能复核抽签号")
    allocate.add_argument("--out", metavar="FILE", type=Path, default=None,
                          help="分配结果文件（默认：reports/<学年学期>/社团分配结果.xlsx）")
    allocate.add_argument("--current", metavar="FILE", type=Path, default=None,
                          help="学期中重新分配时，上一次的分配结果：其中已分配的学生保持不动，只安排空出的名额和新申请的学生。"
                               "学生退出社团或课后服务，请在 survey 表把他的“参加课后服务”改为“否”（只删去分配结果里的一行，他会被重新分配）")
    allocate.set_defaults(handler=_cmd_allocate)

    roster = commands.add_parser("roster", help="师资排班：每个服务日每个看护组、社团的负责人和值班教师，写出排班表、缺口和补助",
                                 description="读取学期文件夹的教职工表、活动清单和分组编班的结果，为每个服务日的每个看护组和社团"
                                             "安排负责人，安排值班教师。结果的第一个工作表每项安排一行（星期、组别、工号、角色），"
                                             "“缺口”工作表列出没能安排到人的组和原因；另有值班表、个人课表、工作量、每人每月补助和资格审核表。")
    roster.add_argument("--data", metavar="DIR", type=Path, default=None, help="学期数据文件夹（默认：自带的示例学校）")
    roster.add_argument("--out", metavar="FILE", type=Path, default=None,
                        help="排班结果文件（默认：reports/<学年学期>/师资排班.xlsx）")
    roster.add_argument("--groups", metavar="DIR", type=Path, default=None,
                        help="分组编班步骤保存结果的文件夹，从中读取 社团分配结果.xlsx（默认：排班结果所在的文件夹；"
                             "找不到时按默认方法 da 计算社团分配）")
    roster.set_defaults(handler=_cmd_roster)

    fee = commands.add_parser("fees", help="收费测算：按考勤和收费设置算出每名学生每月的应收、减免、实收，写出台账、收费表、公示和经费收支",
                              description="读取学期文件夹的学期设置（收费、教师补助）、考勤、经费支出计划和前两步保存的分组、排班，"
                                          "按月据实结算。结果的第一个工作表每名学生每月一行：学号、月份（YYYY-MM）、课时数、应收金额、"
                                          "减免金额、实收金额；同一文件夹另写班级收费表、收费公示（不含姓名、学号）和经费收支表。")
    fee.add_argument("--data", metavar="DIR", type=Path, default=None, help="学期数据文件夹（默认：自带的示例学校）")
    fee.add_argument("--out", metavar="FILE", type=Path, default=None,
                     help="收费台账文件（默认：reports/<学年学期>/收费台账.xlsx）；班级收费表、收费公示、经费收支写在同一文件夹")
    fee.add_argument("--groups", metavar="DIR", type=Path, default=None,
                     help="前面步骤保存结果的文件夹，从中读取 社团分配结果.xlsx 和 师资排班.xlsx（默认：台账所在的文件夹；"
                          "找不到时按默认方法重新计算）")
    fee.set_defaults(handler=_cmd_fees)

    evaluate = commands.add_parser(
        "evaluate", help="期末评价：参与率、出勤、满意度、校内完成作业、安全、师资等指标对照目标，人员考评和表彰建议",
        description="读取学期文件夹的考勤、满意度调查、安全记录、教职工表和前面步骤保存的分组、排班、收费，计算期末评价指标。"
                    "结果的第一个工作表是目标达成表，每项指标一行：指标、数值（比例写成小数，如 0.923）、目标、达标（是/否）；"
                    "其后是各项明细、意见建议（已脱敏）、人员考评、表彰建议、学期对比和图表。")
    evaluate.add_argument("--data", metavar="DIR", type=Path, default=None, help="学期数据文件夹（默认：自带的示例学校）")
    evaluate.add_argument("--out", metavar="FILE", type=Path, default=None,
                          help="评价报告文件（默认：reports/<学年学期>/期末评价.xlsx）")
    evaluate.add_argument("--groups", metavar="DIR", type=Path, default=None,
                          help="前面步骤保存结果的文件夹，从中读取社团分配结果和师资排班（默认：报告所在的文件夹；找不到时按默认方法重新计算）")
    evaluate.add_argument("--previous", metavar="PATH", type=Path, default=None,
                          help="上学期的期末评价.xlsx、它所在的输出文件夹，或上学期的学期数据文件夹：给出时逐项对比两个学期"
                               "（默认：学期文件夹中的“上学期”子文件夹，有就用）")
    evaluate.set_defaults(handler=_cmd_evaluate)

    run = commands.add_parser("run", help="按顺序运行全部步骤笔记本，导出全部文件", description="按顺序运行 notebooks/ 中的每个步骤笔记本，读取 --data 文件夹的数据，把运行后的笔记本和生成的文件写到 --out 文件夹。")
    run.add_argument("--data", metavar="DIR", type=Path, default=None, help="学期数据文件夹（默认：自带的示例学校）")
    run.add_argument("--out", metavar="DIR", type=Path, default=None, help="输出文件夹（默认：reports/<学年学期>/）")
    run.set_defaults(handler=_cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    _configure_output()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    return args.handler(args)


def _cmd_init(args: argparse.Namespace) -> int:
    from .templates import init_term_folder

    target: Path = args.folder
    try:
        written, skipped = init_term_folder(target)
    except OSError as exc:
        print(f"无法创建学期文件夹 {target}：{describe_os_error(exc)}。请换一个路径。", file=sys.stderr)
        return 1
    for path in written:
        print(f"已创建 {path}")
    for path in skipped:
        print(f"已存在，未覆盖 {path}")
    settings_path = target / "settings.yaml"
    if settings_path in written:
        from .settings import settings_document

        doc = settings_document(settings_path)
        print(f"settings.yaml 已按常见安排预填为 {doc['学年学期']}（{doc['学期开始']} 至 {doc['学期结束']}），"
              "请按本地教育局的校历核对修改学期起止日期和时段。")
    print(f"学期文件夹已准备好：{target}。先填写 settings.yaml 和学生名单，再运行 afterschool validate {target}")
    return 0


def _print_problems(problems) -> None:
    from .problems import sort_problems

    for problem in sort_problems(problems):
        print(f"[{problem.severity.value}] {problem}")


def _cmd_validate(args: argparse.Namespace) -> int:
    from .validate import check_file, check_folder

    target: Path = args.target
    if target.is_dir():
        check = check_folder(target)
        _print_problems(check.problems)
        print(check.summary())
        return 0 if check.usable else 1
    if not target.exists():
        print(f"找不到 {target}：请检查路径。", file=sys.stderr)
        return 1
    spec, result, problems = check_file(target)
    _print_problems(problems)
    errors = sum(p.is_error for p in problems)
    if result is not None:
        explained = "（均已逐行说明）" if result.rows_dropped else ""
        print(f"{target.name}（{spec.title}）：数据 {result.rows_read} 行，已读入 {result.rows_kept} 行，"
              f"未读入 {result.rows_dropped} 行{explained}，空行 {result.blank_rows} 行；"
              f"错误 {errors} 个，警告 {len(problems) - errors} 个。（单独检查一个文件时，不检查与其他文件的对应关系。）")
    else:
        print(f"{target.name}：错误 {errors} 个，警告 {len(problems) - errors} 个。")
    return 0 if errors == 0 else 1


def _cmd_import_survey(args: argparse.Namespace) -> int:
    from .files import find_input
    from .loaders import load_input
    from .survey_import import mapping_table, read_survey_export, write_survey

    source: Path = args.export
    if not source.is_file():
        print(f"找不到问卷导出文件 {source}：请检查路径。", file=sys.stderr)
        return 1
    out: Path = args.out or source.parent / ("survey_导入.xlsx" if source.stem.lower() == "survey" else "survey.xlsx")
    if out.resolve() == source.resolve():
        print("--out 不能与导出文件相同：导入不会改动原始文件。请换一个文件名。", file=sys.stderr)
        return 1
    activities = None
    activities_path, _ = find_input(args.data or source.parent, "activities")
    if activities_path is None and args.data is None:
        activities_path, _ = find_input(source.parent.parent, "activities")  # an 导出/ subfolder of the term folder
    if activities_path is not None:
        activities = load_input("activities", activities_path).frame
    overrides: dict[str, str | None] = {}
    for item in args.map:
        question, sep, target = item.rpartition("=")
        if not sep or not question.strip():
            print(f"--map 的写法是“原问题=对应列”，而这里是：{item}", file=sys.stderr)
            return 2
        overrides[question.strip()] = target.strip() or None
    result = read_survey_export(source, activities=activities, overrides=overrides)
    print(f"{source.name}：识别为{result.platform}，共 {result.rows_read} 份答卷。问题对应如下：")
    for _, row in mapping_table(result).iterrows():
        print(f"    {row.iloc[0]} → {row.iloc[1] or '（不使用）'}" + (f"  {row.iloc[2]}" if row.iloc[2] else ""))
    if activities is None:
        print("    （没有找到活动清单，志愿按原文保留；用 --data 指定学期文件夹可对应到活动编号）")
    _print_problems(result.problems)
    try:
        write_survey(result, out)
    except OSError as exc:
        print(f"无法写入 {out}：{describe_os_error(exc)}", file=sys.stderr)
        return 1
    errors = sum(p.is_error for p in result.problems)
    print(f"已写出 {out}：{len(result.frame)} 份申请；未能导入 {result.rows_read - len(result.frame)} 份（均已逐行说明）；"
          f"错误 {errors} 个，警告 {len(result.problems) - errors} 个。")
    return 0 if errors == 0 else 1


def _term_check(data_dir: Path):
    """The checked term folder, or None after saying why it cannot be used."""
    from .problems import group_repeats
    from .validate import check_folder

    if data_dir.is_file():
        print(f"--data 应当是学期文件夹，而 {data_dir} 是一个文件。请写它所在的文件夹：{data_dir.parent}", file=sys.stderr)
        return None
    if not data_dir.is_dir():
        print(f"找不到数据文件夹 {data_dir}：请检查路径；新学期可以先运行 afterschool init {data_dir}", file=sys.stderr)
        return None
    check = check_folder(data_dir)
    if not check.usable:
        _print_problems(group_repeats(p for p in check.problems if p.is_error))
        print(check.summary())
        print(f"数据有错误，未运行。请先改正上面的错误（运行 afterschool validate {data_dir} 可看到全部问题）。", file=sys.stderr)
        return None
    return check


def _output_file(given: Path | None, settings, default_name: str) -> Path:
    """--out as given (a folder gets the usual file name, a name without .xlsx gets it), else the
    usual file in reports/<学年学期>/."""
    out = given or reports_dir() / _safe_folder_name(settings.term_name or "本学期") / default_name
    if out.is_dir():
        out = out / default_name
    return out if out.suffix.lower() == ".xlsx" else out.with_name(out.name + ".xlsx")


def _cmd_allocate(args: argparse.Namespace) -> int:
    from . import allocation as al
    from . import group_files as gf
    from .schema import ACTIVITY_ID, ACTIVITY_NAME
    from .survey import clubs_left_out, read_participants

    data_dir: Path = args.data or sample_dir()
    check = _term_check(data_dir)
    if check is None:
        return 1
    settings = check.settings
    out = _output_file(args.out, settings, gf.ALLOCATION_FILE)
    activities = check.frame("activities")
    survey = check.inputs["survey"]
    people = read_participants(data_dir, check.frame("students"), survey.frame, activities,
                               settings.service_weekdays, survey.file_name)
    current, earlier, problems = None, None, list(people.problems)
    if args.current is not None:
        if not args.current.is_file():
            print(f"找不到上一次的分配结果 {args.current}：请检查路径。", file=sys.stderr)
            return 1
        current, earlier, found = gf.read_allocation(args.current)
        if found:
            _print_problems(found)
            return 1
    earlier_seed = gf.read_allocation_seed(args.current) if args.current is not None else None
    seed = args.seed if args.seed is not None else earlier_seed or al.default_seed(settings.term_start)
    if earlier_seed is not None and seed != earlier_seed:
        print(f"[警告] 上一次分配用的随机种子是 {earlier_seed}，这次用 {seed}：候补顺序会改变。"
              f"如无特别理由，请去掉 --seed 或写 --seed {earlier_seed}")
    allocation = al.allocate(people.taking_part, activities, args.method, seed, current=current, earlier_applicants=earlier)
    _print_problems(problems + list(allocation.problems))
    public = out.with_name(f"{out.stem}_公示版.xlsx") if args.out else out.with_name(gf.PUBLIC_FILE)
    lists = out.with_name(f"{out.stem}_社团名单.xlsx") if args.out else out.with_name(gf.CLUB_LISTS_FILE)
    try:
        gf.write_allocation(out, allocation, people.taking_part, activities, clubs_left_out(people))
        gf.write_public(public, allocation, people.taking_part, activities)
        gf.write_club_lists(lists, allocation, people.taking_part, activities)
    except OSError as exc:
        print(f"无法写入 {out}：{describe_os_error(exc)}", file=sys.stderr)
        return 1
    cancelled = allocation.clubs[allocation.clubs[al.STATUS] != al.OPEN]
    print(f"方法 {args.method}：{al.METHOD_NAMES[args.method]}；随机种子 {seed}")
    print(al.summary_text(allocation) + (
        "，取消 " + "、".join(f"{c} {n}" for c, n in zip(cancelled[ACTIVITY_ID], cancelled[ACTIVITY_NAME])) if len(cancelled) else ""))
    print(f"已写出 {out}\n已写出 {public}（公示版，姓名已脱敏）\n已写出 {lists}（每个社团一页，交指导教师）\n"
          "看护分组名单由 afterschool run 或 02 分组编班笔记本生成。")
    return 0


def _cmd_roster(args: argparse.Namespace) -> int:
    from . import roster_files as rf
    from . import staffing as sf
    from .term_state import load_term_groups, solve_roster

    data_dir: Path = args.data or sample_dir()
    check = _term_check(data_dir)
    if check is None:
        return 1
    settings = check.settings
    out = _output_file(args.out, settings, rf.ROSTER_FILE)
    groups = load_term_groups(data_dir, check, args.groups or out.parent)
    roster = solve_roster(check, groups)
    subsidy = sf.subsidies(roster, check.calendar, settings.periods_per_day, sf.SubsidyRule.from_settings(settings))
    _print_problems(list(groups.problems) + list(roster.problems))
    try:
        rf.write_roster(out, roster, subsidy, f"{settings.school_name} {settings.term_name}")
    except OSError as exc:
        print(f"无法写入 {out}：{describe_os_error(exc)}", file=sys.stderr)
        return 1
    print(f"社团分配：{groups.source}")
    print(sf.summary_text(roster))
    print(f"已写出 {out}")
    return 0


def _cmd_fees(args: argparse.Namespace) -> int:
    from . import fee_files as ff
    from . import fees
    from .term_state import load_term_groups, load_term_staffing, term_fee_plan

    data_dir: Path = args.data or sample_dir()
    check = _term_check(data_dir)
    if check is None:
        return 1
    settings = check.settings
    out = _output_file(args.out, settings, ff.LEDGER_FILE)
    earlier = args.groups or out.parent
    groups = load_term_groups(data_dir, check, earlier)
    staffing = load_term_staffing(data_dir, check, earlier, groups)
    plan = term_fee_plan(check, groups, staffing)
    # rows the loader already set aside (a weekend, an unknown 学号) belong in the ledger's account too
    problems = [*(check.inputs["attendance"].problems if "attendance" in check.inputs else ()), *plan.problems]
    _print_problems(problems)
    written = {"台账": out, "收费表": out.with_name(ff.COLLECTION_FILE), "公示": out.with_name(ff.NOTICE_FILE),
               "收支": out.with_name(ff.BUDGET_FILE)}
    heading = f"{settings.school_name} {settings.term_name}"
    try:
        ff.write_ledger(written["台账"], plan.ledger, plan.attendance, problems)
        ff.write_collection(written["收费表"], plan.ledger, heading)
        ff.write_notice(written["公示"], plan.ledger, settings, plan.budget)
        ff.write_budget(written["收支"], plan.budget)
    except OSError as exc:
        print(f"无法写入 {out}：{describe_os_error(exc)}", file=sys.stderr)
        return 1
    totals = plan.ledger.totals()
    print(f"社团分配：{groups.source}\n排班：{staffing.source}")
    print(f"收费：{fees.standard_text(settings.fee)}；{fees.settlement_text(settings.fee, plan.options, settings.periods_per_day)}")
    print(f"本学期 {plan.ledger.rows['学号'].nunique()} 名学生，课时 {totals['课时数']}，应收 {totals['应收金额']} 元，"
          f"减免 {totals['减免金额']} 元，实收 {totals['实收金额']} 元；经费结余 {plan.budget.balance} 元")
    print(f"已写出 {written['台账']}\n已写出 {written['收费表']}（每班一页，交班主任）\n"
          f"已写出 {written['公示']}（张贴用，不含学生姓名和学号）\n已写出 {written['收支']}")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from . import evaluation as ev
    from . import evaluation_files as ef
    from .term_state import load_term_evaluation, previous_indicators

    data_dir: Path = args.data or sample_dir()
    check = _term_check(data_dir)
    if check is None:
        return 1
    settings = check.settings
    out = _output_file(args.out, settings, ef.EVALUATION_FILE)
    previous, problems = (None, [])
    last_term = ef.previous_source(data_dir, args.previous)
    if last_term is not None:
        previous, problems = previous_indicators(last_term, settings.term_name)
    evaluation, groups, staffing = load_term_evaluation(data_dir, check, args.groups or out.parent, previous)
    problems = [*groups.problems, *staffing.problems, *problems]
    _print_problems(problems)
    try:
        ef.write_evaluation(out, evaluation, f"{settings.school_name} {settings.term_name}",
                            f"社团分配：{groups.source}；排班：{staffing.source}", problems)
    except OSError as exc:
        print(f"无法写入 {out}：{describe_os_error(exc)}", file=sys.stderr)
        return 1
    print(f"社团分配：{groups.source}\n排班：{staffing.source}")
    if evaluation.comparison is not None:
        print(f"学期对比：{evaluation.comparison.attrs.get(ef.REPORT_TITLE) or last_term}")
    for record in evaluation.targets.to_dict("records"):
        shown = ev.shown_value(record[ev.INDICATOR], record[ev.VALUE])
        goal = f"，目标 {ev.target_text(record)}" if record[ev.TARGET] is not None else ""
        print(f"  {record[ev.INDICATOR]}：{shown}{goal}  {record[ev.VERDICT]}")
    for note in evaluation.notes:
        print(f"提示：{note}")
    print(f"已写出 {out}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from .runner import list_notebooks, notebook_title, run_notebooks

    data_dir: Path = args.data or sample_dir()
    check = _term_check(data_dir)
    if check is None:
        return 1
    out_dir: Path = args.out or reports_dir() / _safe_folder_name(check.settings.term_name or "本学期")
    if out_dir.exists() and not out_dir.is_dir():
        print(f"--out 应当是文件夹，而 {out_dir} 是一个文件。请换一个输出文件夹。", file=sys.stderr)
        return 1
    notebooks = list_notebooks()
    warnings = len(check.problems)
    print(f"数据：{data_dir}（检查通过，警告 {warnings} 个，可用 afterschool validate {data_dir} 查看）\n输出：{out_dir}\n共 {len(notebooks)} 个步骤")
    bar = tqdm(total=len(notebooks), unit="步", ncols=80, bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} 步 [{elapsed}]")
    try:
        results = run_notebooks(data_dir, out_dir, notebooks,
                                on_start=lambda nb: bar.set_description_str(notebook_title(nb)[:20]),
                                on_done=lambda _: bar.update(1))
    except OSError as exc:
        bar.close()
        print(f"无法写入输出文件夹 {out_dir}：{describe_os_error(exc)}", file=sys.stderr)
        return 1
    bar.close()
    for result in results:
        status = "完成" if result.error is None else "失败"
        print(f"{status}：{result.notebook} → {result.executed}")
        for path in result.outputs:
            print(f"    生成 {path}")
        if result.error:
            print(f"    {result.error}\n    打开上面的笔记本可以看到出错的位置。", file=sys.stderr)
            return 1
    print(f"全部完成。所有文件在 {out_dir}")
    return 0


def _safe_folder_name(text: str) -> str:
    """A folder name that Windows accepts, keeping the Chinese."""
    return "".join("_" if ch in '<>:"/\\|?*' else ch for ch in text).strip(" .") or "本学期"


if __name__ == "__main__":
    sys.exit(main())
