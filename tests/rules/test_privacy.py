"""Phone and resident ID numbers inside opinion text are found and masked (A39, PIPL)."""

from __future__ import annotations

from portal.rules.privacy import (
    PersonalDataKind,
    find_personal_data,
    mask_contact,
    mask_personal_data,
    normalise,
    resident_id_is_valid,
    segments,
)

VALID_ID = "11010519491231002X"  # the GB 11643 example: check character X
WRONG_CHECK = "110105194912310021"


def test_the_standard_example_id_has_a_valid_check_digit():
    assert resident_id_is_valid(VALID_ID)
    assert resident_id_is_valid(VALID_ID.lower())
    assert not resident_id_is_valid(WRONG_CHECK)


def test_a_real_looking_id_number_is_masked():
    masked = mask_personal_data(f"我的身份证号是{VALID_ID}，请核实。")
    assert VALID_ID not in masked
    assert "110***********002X" in masked
    assert [f.kind for f in find_personal_data(VALID_ID)] == [PersonalDataKind.RESIDENT_ID]


def test_an_18_digit_number_with_a_wrong_check_digit_is_left_alone():
    text = f"订单号{WRONG_CHECK}已提交"  # no full-width characters: NFKC leaves it as is
    assert find_personal_data(text) == []
    assert mask_personal_data(text) == text


def test_mobile_numbers_with_and_without_separators_are_masked():
    for raw, masked in [
        ("13800000000", "138****0000"),
        ("138-0000-0000", "138-****-0000"),
        ("138 1234 5678", "138 **** 5678"),
    ]:
        assert mask_personal_data(f"电话{raw}联系") == f"电话{masked}联系"


def test_full_width_digits_are_caught_after_normalisation():
    text = "请拨打１３９１２３４５６７８"
    assert mask_personal_data(text) == "请拨打139****5678"
    assert find_personal_data(text)[0].kind is PersonalDataKind.MOBILE


def test_landlines_with_area_codes_are_masked():
    out = mask_personal_data("办公室电话0476-8888123，北京010-12345678")
    assert "8888123" not in out and "12345678" not in out
    kinds = [f.kind for f in find_personal_data("0476-8888123")]
    assert kinds == [PersonalDataKind.LANDLINE]


def test_ordinary_numbers_are_not_personal_data():
    text = "建议将第12条中的30日改为45日，涉及2026年约3000户居民。"
    assert find_personal_data(text) == []
    assert mask_personal_data(text) == normalise(text)  # the stored body is NFKC already


def test_segments_tag_the_personal_data_for_highlighting():
    parts = segments("联系13800000000谢谢")
    assert parts == [
        ("联系", None),
        ("13800000000", PersonalDataKind.MOBILE),
        ("谢谢", None),
    ]


def test_contacts_are_masked_for_staff():
    assert mask_contact("13800000000") == "138****0000"
    assert mask_contact("zhang@example.cn") == "z***@example.cn"
    assert mask_contact("") == ""


def test_normalising_keeps_chinese_punctuation_but_folds_full_width_letters_and_digits():
    text = "建议：第３条（投放时间）延长，可以吗？好！～……＜ｂ＞"
    assert normalise(text) == "建议：第3条（投放时间）延长，可以吗？好！～……<b>"
    assert mask_personal_data("电话：１３９０４７６１２３４，谢谢！") == "电话：139****1234，谢谢！"
