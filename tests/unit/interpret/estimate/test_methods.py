import pytest

from meter2cash.interpret.estimate import EstimationError, Method, NemMeteringType, nem_method_flag


@pytest.mark.parametrize(
    ("method", "metering_type", "flag"),
    [
        (Method.LINEAR, NemMeteringType.INTERVAL, "17"),
        (Method.LIKE_DAY, NemMeteringType.INTERVAL, "15"),
        (Method.SCALED_TO_ADVANCE, NemMeteringType.INTERVAL, "24"),
        (Method.ZERO_FILL, NemMeteringType.INTERVAL, "19"),
        (Method.PROFILE, NemMeteringType.INTERVAL, None),  # no NEM flag means the same thing
        (Method.LINEAR, NemMeteringType.MANUALLY_READ_INTERVAL, "54"),
        (Method.PROFILE, NemMeteringType.MANUALLY_READ_INTERVAL, "57"),
        (Method.ZERO_FILL, NemMeteringType.MANUALLY_READ_INTERVAL, "58"),
        (Method.PROFILE, NemMeteringType.BASIC, "63"),
        (Method.ZERO_FILL, NemMeteringType.BASIC, "68"),
    ],
)
def test_nem_method_flags(method, metering_type, flag):
    assert nem_method_flag(method, metering_type) == flag


def test_a_single_like_day_is_flag_14_and_unknown_methods_are_refused():
    assert nem_method_flag("LIKE_DAY", NemMeteringType.INTERVAL, like_days=1) == "14"
    with pytest.raises(EstimationError):
        nem_method_flag("GUESS", NemMeteringType.INTERVAL)
