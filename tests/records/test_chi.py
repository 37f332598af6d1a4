import pytest

from records.chi import chi_check_digit, chi_problem


def test_check_digit_matches_a_hand_worked_example():
    # 0,1,0,1,5,0,1,2,3 weighted 10..2: 0+9+0+7+30+0+4+6+6 = 62; 62 mod 11 = 7; 11-7 = 4.
    assert chi_check_digit("010150123") == 4
    assert chi_problem("0101501234") is None


def test_remainder_zero_gives_check_digit_zero():
    # 0,1,0,1,5,0,0,3,0 weighted 10..2: 9+7+30+9 = 55; 55 mod 11 = 0, so the digit is 0.
    assert chi_check_digit("010150030") == 0
    assert chi_problem("0101500300") is None
    assert chi_problem("0101500301") is not None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "10 digits"),
        ("12345", "10 digits"),
        ("01015012345", "10 digits"),
        ("01015O1234", "10 digits"),
        ("\uff10\uff11\uff10\uff11\uff15\uff10\uff11\uff12\uff13\uff14", "10 digits"),  # full-width
        ("3202501234", "date of birth"),
        ("2902011234", "date of birth"),
        ("0101501235", "last digit does not match"),
    ],
)
def test_invalid_numbers_are_refused_with_a_plain_reason(value, message):
    assert message in chi_problem(value)


def test_spaces_typed_in_groups_are_accepted():
    assert chi_problem("010150 1234") is None


def test_a_stem_whose_check_would_be_ten_is_never_valid():
    # 0,1,0,1,5,0,0,7,0: 9+7+30+21 = 67; 67 mod 11 = 1, so 11-1 = 10: no digit fits.
    assert chi_check_digit("010150070") is None
    assert all(chi_problem(f"010150070{d}") for d in range(10))
