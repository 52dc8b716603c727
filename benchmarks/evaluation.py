"""How long the end-of-term evaluation takes, on the sample school and on larger answer sets.

Prints figures; asserts nothing. Run: python benchmarks/evaluation.py
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pandas as pd

from afterschool_lib import evaluation as ev
from afterschool_lib.comments import summarise_comments
from afterschool_lib.paths import sample_dir
from afterschool_lib.schema import CLASS, COMMENTS, GRADE, RESPONDENT, SATISFACTION_LEVELS
from afterschool_lib.term_state import load_term_evaluation
from afterschool_lib.validate import check_folder


def timed(label: str, work):
    tracemalloc.start()
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"{label:<46} {seconds:7.2f} s   peak {peak:7.1f} MiB")
    return result


def answers(n: int, questions: int = 10, seed: int = 1) -> pd.DataFrame:
    """n questionnaires, a tenth with a comment, answers in the ways people write them."""
    rng = np.random.default_rng(seed)
    written = [*SATISFACTION_LEVELS, "很满意", "满意度：满意", " 满意 ", None]
    frame = pd.DataFrame({RESPONDENT: rng.choice(["学生", "家长", "教师"], n), GRADE: rng.integers(1, 7, n),
                          CLASS: rng.integers(1, 9, n)})
    for q in range(questions):
        frame[f"第{q + 1}题"] = rng.choice(np.array(written, dtype=object), n)
    phrases = ["希望增加篮球社团", "放学时间能否延后", "老师很负责，辛苦了", "作业基本能在学校写完", "接孩子时校门口拥堵"]
    frame[COMMENTS] = [phrases[i % 5] + f"（{i}）" if i % 10 == 0 else None for i in range(n)]
    return frame


def main() -> None:
    check = timed("sample school: read and check the folder", lambda: check_folder(sample_dir()))
    timed("sample school: whole evaluation (roster solved)", lambda: load_term_evaluation(sample_dir(), check))
    for n in (2_000, 20_000, 100_000):
        frame = answers(n)
        timed(f"satisfaction tables, {n:,} sheets × 10 questions",
              lambda: (ev.satisfaction_by_respondent(frame), ev.satisfaction_by_question(frame),
                       ev.satisfaction_by_grade(frame), ev.class_satisfaction(frame)))
        timed(f"comments, {n // 10:,} comments", lambda: summarise_comments(frame))


if __name__ == "__main__":
    main()
