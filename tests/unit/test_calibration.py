import pytest

from nlu.calibration import (
    ReliabilityBin,
    ece_from_table,
    expected_calibration_error,
    reliability_table,
)


def test_perfectly_calibrated_predictions_have_no_error() -> None:
    # 80% sure and right 8 times in 10; 30% sure and right 3 times in 10.
    confidences = [0.8] * 10 + [0.3] * 10
    correct = [True] * 8 + [False] * 2 + [True] * 3 + [False] * 7
    assert expected_calibration_error(confidences, correct) == pytest.approx(0.0)


def test_confident_and_always_wrong_is_an_error_of_almost_one() -> None:
    assert expected_calibration_error([0.99] * 5, [False] * 5) == pytest.approx(0.99)
    assert expected_calibration_error([1.0] * 5, [False] * 5) == pytest.approx(1.0)


def test_two_bins_by_hand() -> None:
    # Bin [0, 0.5): 0.2 wrong, 0.4 right → confidence 0.3, accuracy 0.5, gap 0.2.
    # Bin [0.5, 1]: 0.6, 0.9, right → confidence 0.75, accuracy 1.0, gap 0.25.
    # Weighted: 2/4 × 0.2 + 2/4 × 0.25 = 0.225
    confidences = [0.2, 0.4, 0.6, 0.9]
    correct = [False, True, True, True]
    assert expected_calibration_error(confidences, correct, bins=2) == pytest.approx(0.225)
    low, high = reliability_table(confidences, correct, bins=2)
    assert (low.lower, low.upper, low.count) == (0.0, 0.5, 2)
    assert low.mean_confidence == pytest.approx(0.3)
    assert low.accuracy == pytest.approx(0.5)
    assert (high.lower, high.upper, high.count) == (0.5, 1.0, 2)
    assert high.mean_confidence == pytest.approx(0.75)
    assert high.accuracy == pytest.approx(1.0)


def test_the_table_has_every_bin_and_edges_go_up_except_one() -> None:
    table = reliability_table([0.0, 0.1, 0.55, 1.0], [True, False, True, True])
    assert len(table) == 10
    assert [b.count for b in table] == [1, 1, 0, 0, 0, 1, 0, 0, 0, 1]
    assert table[2] == ReliabilityBin(0.2, 0.3, 0, None, None)
    assert table[9].to_dict() == {
        "lower": 0.9,
        "upper": 1.0,
        "count": 1,
        "mean_confidence": 1.0,
        "accuracy": 1.0,
    }


def test_the_error_can_be_read_off_a_built_table() -> None:
    confidences, correct = [0.15, 0.95, 0.95], [True, True, False]
    # Bin 1: |1.0 − 0.15| × 1; bin 9: |0.5 − 0.95| × 2; over 3 predictions.
    expected = (0.85 + 2 * 0.45) / 3
    assert ece_from_table(reliability_table(confidences, correct)) == pytest.approx(expected)
    assert expected_calibration_error(confidences, correct) == pytest.approx(expected)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="no predictions"):
        expected_calibration_error([], [])
    with pytest.raises(ValueError, match="differ in length"):
        reliability_table([0.5], [True, False])
    with pytest.raises(ValueError, match="outside"):
        reliability_table([1.2], [True])
    with pytest.raises(ValueError, match="at least one bin"):
        reliability_table([0.5], [True], bins=0)
