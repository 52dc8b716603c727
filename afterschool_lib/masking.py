"""Masking children's and families' personal data in whatever is posted or handed out (PIPL).

Public lists show 张*明 and 138****5678: enough for a family to find its own child, too little to
identify a stranger's. Internal working files may keep the full data; anything shown on screen in
a notebook that may be shared, or printed for 班级公示, goes through these functions.
"""

from __future__ import annotations

import re

import pandas as pd

from .normalize import clean_text
from .schema import NAME, PARENT_NAME, PHONE, PICKED_UP_BY

PERSONAL_COLUMNS = (NAME, PARENT_NAME, PHONE, PICKED_UP_BY)


def mask_name(name: object) -> str:
    """张小明 -> 张*明, 李四 -> 李*, 欧阳小明 -> 欧**明; Latin names keep their first letter."""
    text = clean_text(name)
    if len(text) <= 1:
        return text
    if re.fullmatch(r"[A-Za-z .'-]+", text):
        return text[0] + "*" * (len(text) - 1)
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


def mask_phone(phone: object) -> str:
    """13800001234 -> 138****1234; other numbers keep only their last four digits.

    A cell with several numbers (13800001234/13900005678, as the loaders keep them) masks each.
    """
    return "/".join(_mask_one(part) for part in clean_text(phone).split("/") if re.search(r"\d", part))


def _mask_one(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    if len(digits) == 11:
        return digits[:3] + "****" + digits[-4:]
    return "*" * max(len(digits) - 4, 0) + digits[-4:]


_PHONE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_text(text: object) -> str:
    """Free text (意见建议, 处理情况) with any mobile number inside masked."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return _PHONE_IN_TEXT.sub(r"\1****\2", str(text))


def mask_frame(frame: pd.DataFrame, names: tuple[str, ...] = (NAME, PARENT_NAME, PICKED_UP_BY),
               phones: tuple[str, ...] = (PHONE,)) -> pd.DataFrame:
    """A copy of ``frame`` fit for posting: name and phone columns masked, blanks left blank."""
    masked = frame.copy()
    for columns, mask in ((names, mask_name), (phones, mask_phone)):
        for column in columns:
            if column in masked:
                values = [None if pd.isna(v) else mask(v) for v in masked[column].tolist()]
                masked[column] = pd.Series(values, index=masked.index, dtype=object)
    return masked
