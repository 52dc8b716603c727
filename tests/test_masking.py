import pandas as pd

from afterschool_lib.masking import mask_frame, mask_name, mask_phone, mask_text


def test_names_and_phones():
    assert mask_name("张小明") == "张*明"
    assert mask_name("李四") == "李*"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_name(" 王 芳 ") == "王*"
    assert mask_phone("138 0000 1234") == "138****1234"
    assert mask_text("请联系13800001234，谢谢") == "请联系138****1234，谢谢"


def test_frame_masking_leaves_the_original_alone():
    frame = pd.DataFrame({"姓名": ["张小明", None], "联系电话": ["13800001234", None], "学号": ["1", "2"]})
    masked = mask_frame(frame)
    assert masked["姓名"].tolist() == ["张*明", None]
    assert masked["联系电话"].tolist() == ["138****1234", None]
    assert frame["姓名"].iloc[0] == "张小明"


def test_a_cell_with_two_numbers_masks_both():
    assert mask_phone("13800001234/13900005678") == "138****1234/139****5678"
