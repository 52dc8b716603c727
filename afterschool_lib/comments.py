"""The free-text 意见建议 of the end-of-term satisfaction survey, summarised for the school team.

A few hundred comments are too many to read out in a meeting and too valuable to drop: the team
needs the main themes (how many parents ask about 服务时间, how many about 社团) *and* every single
comment, so that nothing a family wrote is lost in a count. :func:`summarise_comments` gives both:
a theme table, a word-frequency table and the full list of comments, each masked (phones, ID
numbers, the names the caller passes), since the summary ends up in reports and on shared screens.

Themes come from a visible keyword dictionary, :data:`THEMES`, rather than from a model: a teacher
can read why a comment landed in 收费与补助 and add a keyword when the school's own wording is missed.
Words are segmented with jieba on a private tokenizer, initialised lazily, once, and silently (the
notebooks are checked with nbval, which fails on any stderr output).
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from .masking import mask_name, mask_text
from .normalize import clean_text
from .schema import CLASS, COMMENTS, EXCEL_ROW, GRADE, RESPONDENT

if TYPE_CHECKING:  # jieba is imported lazily: see _tokenizer()
    import jieba

# --- themes ----------------------------------------------------------------------------------
# Theme name -> keywords. A comment belongs to every theme one of whose keywords it contains; one
# with none is 其他. Keywords of two or more characters match anywhere in the text, one-character
# keywords only as a whole jieba word (see _match_themes). Kept in one theme each, so that the
# 关键词 column explains a theme by itself. Edit freely: the order here is the tie-break order.
THEMES: dict[str, tuple[str, ...]] = {
    "作业辅导": ("作业", "辅导", "书写", "写完", "功课", "答疑", "错题", "订正", "预习", "复习", "学习习惯"),
    "社团活动": ("社团", "兴趣班", "兴趣", "篮球", "足球", "排球", "乒乓", "羽毛球", "跳绳", "体育", "运动",
             "武术", "编程", "科技", "科学", "实验", "机器人", "舞蹈", "合唱", "音乐", "乐器", "美术", "绘画",
             "书法", "手工", "围棋", "象棋", "阅读", "户外", "课程", "游戏"),
    "服务时间": ("时间", "几点", "点半", "延后", "推迟", "延长", "提前放学", "提前结束", "早点", "晚点",
             "太晚", "太早", "天黑", "结束", "冬季", "夏季", "周五", "周末", "假期", "寒假", "暑假",
             "午间", "午托"),
    "安全与接送": ("安全", "接送", "接孩子", "来接", "接领", "签退", "拥堵", "堵车", "错峰", "校门",
              "门口", "交通", "路队", "走失", "受伤", "保安", "门卫"),
    "收费与补助": ("收费", "费用", "缴费", "交费", "退费", "学费", "补助", "补贴", "减免", "免费", "结算",
              "价格", "太贵", "贵", "钱", "经费"),
    "师资": ("老师", "教师", "班主任", "外聘", "师资", "人员", "换人", "培训", "值班", "负担", "志愿者", "专业"),
    "场地与设施": ("场地", "教室", "冲突", "操场", "体育馆", "图书馆", "功能室", "设施", "器材", "空调",
              "桌椅", "拥挤", "厕所", "卫生间"),
    "报名与分配": ("报名", "名额", "抽签", "抽到", "分批", "选社团", "自己选", "第一志愿", "第二志愿", "分配", "调剂",
              "选上", "满了", "抢"),
    "家校沟通": ("公布", "通知", "告知", "沟通", "反馈", "家长群", "课表", "安排表"),
    "餐点与午休": ("点心", "加餐", "零食", "饿", "午餐", "午饭", "吃饭", "饮水", "喝水", "午休", "午睡"),
    "表扬与感谢": ("感谢", "谢谢", "辛苦", "满意", "很好", "挺好", "不错", "很棒", "喜欢", "开心", "轻松",
              "负责", "认真", "耐心", "放心", "点赞", "很方便"),
}
OTHER = "其他"
NO_OPINION = "无意见"  # 无 / 没有 / 暂无: an answer, so listed, but no theme to weigh
PRAISE = "表扬与感谢"

# After 不/没/未 (within three characters) praise is not praise: 不满意, 不太喜欢, 不是很好. Only the
# praise theme needs this; 不安全 is still about 安全.
_NEGATION = re.compile(r"[不没未]")
_NEGATION_WINDOW = 3

# Whole answers that say "nothing to add" once punctuation is stripped; 问卷星 makes the field
# required at some schools, and then half the answers are 无.
_NO_OPINION_ANSWERS = frozenset({
    "", "无", "没有", "没", "暂无", "暂时没有", "暂时无", "无意见", "没有意见", "没意见", "暂无意见",
    "无建议", "没有建议", "暂无建议", "无意见建议", "没有意见建议", "没有什么意见", "没什么意见", "没有了",
    "无其他", "无其他意见", "无其它意见", "没有其他意见", "没有其它意见", "无他", "无所谓", "不知道",
})

# --- words ------------------------------------------------------------------------------------
# Words kept whole in the segmentation, so that the table counts 作业辅导 and not 作业 + 辅导.
DOMAIN_WORDS = (
    "课后服务", "作业辅导", "托管", "午间托管", "社团活动", "外聘老师", "户外活动", "按月结算", "错峰放学",
    "值班轮次", "班主任", "机器人", "合唱团", "延时服务", "家长群", "兴趣班", "接孩子", "分批报名",
)

# Words that every comment could contain and that tell the team nothing. 孩子 is among them: every
# parent writes it. 老师 and 学校 stay: "老师" 30 times is a finding.
STOP_WORDS = frozenset({
    "希望", "建议", "能否", "可否", "是否", "可以", "能够", "一些", "一点", "有点", "有些", "一下", "我们",
    "你们", "他们", "大家", "自己", "孩子", "孩子们", "小孩", "我家", "家里", "时候", "没有", "什么",
    "怎么", "这样", "这个", "那个", "一个", "就是", "还是", "但是", "因为", "所以", "如果", "或者",
    "然后", "而且", "不过", "已经", "非常", "比较", "特别", "还能", "现在", "的话", "意见", "基本",
})
_WORD_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z]")  # a word must have a letter or hanzi in it

RESPONDENT_ORDER = ("家长", "学生", "教师")
EXAMPLES_PER_THEME = 2
EXAMPLE_LENGTH = 50  # characters of an example sentence; the full text is in ``comments``

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
# mask_text catches 13800001234; parents also write 138-0000-1234 and 138 0000 1234
_SPACED_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)[- ]\d{4}[- ](\d{4})(?!\d)")

THEME_COLUMNS = ("主题", "条数", "占比")
WORD_COLUMNS = ("词语", "次数", "条数")
COMMENT_COLUMNS = (EXCEL_ROW, RESPONDENT, GRADE, CLASS, COMMENTS, "主题")


@dataclass(frozen=True)
class CommentSummary:
    """What :func:`summarise_comments` found.

    ``themes``: 主题, 条数, 占比 (fraction of the comments; a comment may count in several themes),
    one count column per respondent type present (家长, 学生, 教师), 关键词 (the theme's keywords that
    occurred, most frequent first) and 例句 (up to two masked examples).
    ``words``: 词语, 次数 (occurrences), 条数 (comments containing it), most frequent first.
    ``comments``: every non-blank comment once, masked: 行号, 身份, 年级, 班级, 意见建议, 主题.
    ``blank``: answers that left 意见建议 empty.
    """

    themes: pd.DataFrame
    words: pd.DataFrame
    comments: pd.DataFrame
    blank: int

    @property
    def total(self) -> int:
        """Number of comments listed (non-blank answers)."""
        return len(self.comments)


# --- jieba, once and silently ------------------------------------------------------------------
_TOKENIZER: jieba.Tokenizer | None = None
_TOKENIZER_LOCK = threading.Lock()


def _tokenizer() -> jieba.Tokenizer:
    """The module's own jieba tokenizer with the domain words: built on first use, once per process.

    A private ``jieba.Tokenizer()`` rather than the global one, so that the domain words do not
    change how other code segments text. Built in silence: jieba logs "Building prefix dict ..."
    to stderr through the ``jieba`` logger, and imports pkg_resources, which recent setuptools
    answers with a deprecation warning; a notebook under nbval fails on either. The logger's
    level is put back afterwards, since other code may use jieba too.
    """
    global _TOKENIZER
    if _TOKENIZER is None:
        with _TOKENIZER_LOCK, warnings.catch_warnings():
            if _TOKENIZER is None:
                warnings.simplefilter("ignore")
                import jieba

                logger = logging.getLogger("jieba")
                level = logger.level  # read after the import, which sets DEBUG
                logger.setLevel(logging.CRITICAL + 1)
                try:
                    tokenizer = jieba.Tokenizer()
                    tokenizer.initialize()
                    for word in DOMAIN_WORDS:
                        tokenizer.add_word(word)
                finally:
                    logger.setLevel(level)
                _TOKENIZER = tokenizer
    return _TOKENIZER


# --- masking -----------------------------------------------------------------------------------
class _NameMasker:
    """Replaces each given name in a text by its masked form, longest names first.

    Names are indexed by their first two characters, so a text is scanned once whatever the number
    of names (a school passes thousands: students, parents, staff); at each position the longest
    name wins, so 欧阳小明 is not masked as 欧阳 + 小明.
    """

    def __init__(self, names: Iterable[object]):
        if isinstance(names, str):  # one name passed bare must not become its characters
            names = (names,)
        by_start: dict[str, list[str]] = {}
        for name in {clean_text(n) for n in names}:
            if len(name) >= 2:  # a one-character "name" would mask every such character
                by_start.setdefault(name[:2], []).append(name)
        self._by_start = {k: sorted(v, key=lambda n: (-len(n), n)) for k, v in by_start.items()}

    def __call__(self, text: str) -> str:
        if not self._by_start:
            return text
        out: list[str] = []
        i = 0
        while i < len(text):
            for name in self._by_start.get(text[i:i + 2], ()):
                if text.startswith(name, i):
                    out.append(mask_name(name))
                    i += len(name)
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)


def _mask_id(match: re.Match) -> str:
    return "*" * 14 + match.group(0)[-4:]


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _mask_comment(text: str, names: _NameMasker) -> str:
    """ID numbers first (an 18-digit number is no phone), then phones, then names.

    Full-width digits (１３８…, as a Chinese input method types them) become ASCII first, or the
    number patterns would not see them.
    """
    text = _ID_NUMBER.sub(_mask_id, text.translate(_FULL_WIDTH_DIGITS))
    text = _SPACED_MOBILE.sub(r"\1****\2", mask_text(text))
    return names(text)


# --- themes and words ----------------------------------------------------------------------------
def _is_negated(text: str, start: int) -> bool:
    return bool(_NEGATION.search(text, max(start - _NEGATION_WINDOW, 0), start))


def _keyword_in(keyword: str, text: str, tokens: frozenset[str], negatable: bool) -> bool:
    """Whether ``keyword`` occurs in a comment.

    A keyword of two or more characters is looked for as a substring of the text, not only among
    jieba's words: jieba's segmentation does not follow our keyword list (接孩子 comes out as
    接 + 孩子, 很好 as 很 + 好, and a domain word such as 作业辅导 would hide 作业), and a substring
    of two hanzi is specific enough. A one-character keyword (贵, 抢, 饿) must be a whole jieba word,
    or 贵 would match 宝贵 and 抢 would match 抢救.
    """
    if len(keyword) < 2:
        return keyword in tokens
    if not negatable:
        return keyword in text
    start = text.find(keyword)
    while start != -1:
        if not _is_negated(text, start):
            return True
        start = text.find(keyword, start + 1)
    return False


def _match_themes(text: str, tokens: frozenset[str]) -> dict[str, list[str]]:
    """Theme -> its keywords found in the comment, in THEMES order; {} for a comment without."""
    found: dict[str, list[str]] = {}
    for theme, keywords in THEMES.items():
        hits = [k for k in keywords if _keyword_in(k, text, tokens, theme == PRAISE)]
        if hits:
            found[theme] = hits
    return found


def _is_no_opinion(text: str) -> bool:
    return re.sub(r"[\W_]+", "", text) in _NO_OPINION_ANSWERS


def _words_of(tokens: list[str]) -> list[str]:
    return [t for t in tokens if len(t) >= 2 and t not in STOP_WORDS and _WORD_CHARS.search(t)]


# --- the summary -----------------------------------------------------------------------------------
def _respondent_rank(value: object) -> int:
    return RESPONDENT_ORDER.index(value) if value in RESPONDENT_ORDER else len(RESPONDENT_ORDER)


def _column(answers: pd.DataFrame, name: str, dtype: str) -> pd.Series:
    """The column as ``dtype``; as it is if it will not convert (a hand-made 三年级), all <NA> if absent."""
    if name not in answers:
        return pd.Series(pd.NA, index=answers.index, dtype=dtype)
    try:
        return answers[name].astype(dtype)
    except (TypeError, ValueError):
        return answers[name].astype(object)


def _example(text: str) -> str:
    return text if len(text) <= EXAMPLE_LENGTH else text[:EXAMPLE_LENGTH - 1] + "…"


def summarise_comments(answers: pd.DataFrame, names: Iterable[str] = (), top: int = 20) -> CommentSummary:
    """Themes, frequent words and the full masked list of the 意见建议 of a satisfaction survey.

    ``answers`` is the satisfaction input as the loader returns it (行号, 身份, 年级, 班级, 意见建议
    and the question columns, which are ignored). ``names`` are the students', parents' and staff
    names to mask wherever a comment mentions them; phone and ID numbers are always masked.
    ``top`` words are kept in ``words``. Every non-blank comment is in ``comments`` exactly once;
    blank answers are only counted. A frame without 意见建议 gives empty tables, not an error.
    """
    answers = answers.reset_index(drop=True)
    respondents = _column(answers, RESPONDENT, "object")
    present = [r for r in RESPONDENT_ORDER if (respondents == r).any()]
    present += sorted({str(r) for r in respondents.dropna()} - set(RESPONDENT_ORDER))

    raw = answers[COMMENTS].tolist() if COMMENTS in answers else [None] * len(answers)
    # clean_text also drops the zero-width spaces that survey platforms leave in "empty" answers;
    # fold=False keeps the Chinese punctuation as written
    texts = [clean_text(v, fold=False) for v in raw]
    keep = [bool(t) for t in texts]
    blank = len(texts) - sum(keep)

    listed = pd.DataFrame({
        EXCEL_ROW: _column(answers, EXCEL_ROW, "Int64"),
        RESPONDENT: respondents,
        GRADE: _column(answers, GRADE, "Int64"),
        CLASS: _column(answers, CLASS, "Int64"),
    }).loc[keep]
    listed["_text"] = [t for t, k in zip(texts, keep) if k]
    keys = {"_who": listed[RESPONDENT].map(_respondent_rank),
            **{f"_{c}": pd.to_numeric(listed[c], errors="coerce") for c in (GRADE, CLASS, EXCEL_ROW)}}
    listed = listed.assign(**keys).sort_values(list(keys), kind="stable", na_position="last")

    masker = _NameMasker(names)
    # Surveys repeat themselves (希望增加社团名额 forty times): each distinct text is masked,
    # segmented and matched once.
    cache: dict[str, tuple[str, list[str], dict[str, list[str]]]] = {}
    if len(listed):
        tokenizer = _tokenizer()
        for text in listed["_text"]:
            if text not in cache:
                masked = _mask_comment(text, masker)
                tokens = tokenizer.lcut(masked)
                themes = {NO_OPINION: []} if _is_no_opinion(masked) else _match_themes(masked, frozenset(tokens))
                cache[text] = masked, _words_of(tokens), themes
    analysed = [cache[t] for t in listed["_text"]]

    comments = listed[[EXCEL_ROW, RESPONDENT, GRADE, CLASS]].reset_index(drop=True)
    comments[COMMENTS] = pd.Series([a[0] for a in analysed], dtype=object)
    comments["主题"] = pd.Series(["、".join(a[2]) or OTHER for a in analysed], dtype=object)
    comments = comments[list(COMMENT_COLUMNS)]

    return CommentSummary(
        themes=_theme_table(comments, analysed, present),
        words=_word_table([a[1] for a in analysed], top),
        comments=comments,
        blank=blank,
    )


def _theme_table(comments: pd.DataFrame, analysed: list, present: list[str]) -> pd.DataFrame:
    order = [*THEMES, NO_OPINION, OTHER]
    members: dict[str, list[int]] = {theme: [] for theme in order}
    keyword_hits: dict[str, Counter] = {theme: Counter() for theme in order}
    for i, (_masked, _words, themes) in enumerate(analysed):
        for theme, hits in (themes or {OTHER: []}).items():
            members[theme].append(i)
            keyword_hits[theme].update(hits)

    total = len(comments)
    rows = []
    for theme in order:
        index = members[theme]
        if not index:
            continue
        who = Counter(comments[RESPONDENT].iloc[index].dropna().tolist())
        keywords = THEMES.get(theme, ())
        used = sorted(keyword_hits[theme], key=lambda k: (-keyword_hits[theme][k], keywords.index(k)))
        texts = Counter(comments[COMMENTS].iloc[index].tolist())  # most repeated first, then list order
        examples = [_example(t) for t, _ in texts.most_common(EXAMPLES_PER_THEME)]
        rows.append({"主题": theme, "条数": len(index), "占比": len(index) / total,
                     **{r: who.get(r, 0) for r in present},
                     "关键词": "、".join(used), "例句": "；".join(f"“{t}”" for t in examples)})
    columns = [*THEME_COLUMNS, *present, "关键词", "例句"]
    table = pd.DataFrame(rows, columns=columns)
    if rows:
        # by count, THEMES order breaking ties; 无意见 and 其他 last, whatever their count
        rank = {theme: i for i, theme in enumerate(order)}
        tail = table["主题"].isin([NO_OPINION, OTHER])
        key = table["条数"].where(~tail, 0)
        table = table.assign(_tail=tail, _key=key, _rank=table["主题"].map(rank)).sort_values(
            ["_tail", "_key", "_rank"], ascending=[True, False, True], kind="stable"
        ).drop(columns=["_tail", "_key", "_rank"])
    table = table.astype({"条数": "int64", "占比": "float64", **{r: "int64" for r in present}})
    return table.reset_index(drop=True)


def _word_table(words_per_comment: list[list[str]], top: int) -> pd.DataFrame:
    occurrences: Counter = Counter()
    comments_with: Counter = Counter()
    for words in words_per_comment:
        occurrences.update(words)
        comments_with.update(set(words))
    ranked = sorted(occurrences, key=lambda w: (-occurrences[w], -comments_with[w], w))[:max(top, 0)]
    word, times, count = WORD_COLUMNS
    return pd.DataFrame({word: pd.Series(ranked, dtype=object),
                         times: pd.Series([occurrences[w] for w in ranked], dtype="int64"),
                         count: pd.Series([comments_with[w] for w in ranked], dtype="int64")})


def themes_sentence(summary: CommentSummary, n: int = 3) -> str:
    """One sentence for the report: 共收到意见建议 86 条，最集中的是社团活动（31 条）、……。"""
    total = summary.total
    if total == 0:
        return "本次问卷没有收到意见建议。"
    themes = summary.themes
    named = themes[~themes["主题"].isin([NO_OPINION, OTHER])].head(max(n, 0))
    parts = [f"{theme}（{count} 条）" for theme, count in zip(named["主题"], named["条数"])]
    sentence = f"共收到意见建议 {total} 条"
    none = themes.loc[themes["主题"] == NO_OPINION, "条数"]
    if len(none):
        sentence += f"（其中 {int(none.iloc[0])} 条表示没有意见）"
    if len(parts) == 1:
        sentence += f"，最集中的是{parts[0]}"
    elif parts:
        sentence += f"，最集中的是{'、'.join(parts[:-1])}和{parts[-1]}"
    elif n > 0 and int(none.sum()) < total:
        sentence += "，未能归入常见主题，请逐条查看"
    return sentence + "。"
