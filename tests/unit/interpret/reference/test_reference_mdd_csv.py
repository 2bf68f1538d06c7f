"""Elexon MDD CSV extract: the shipped tiny extract, header matching, and located errors."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from meter2cash.interpret.reference import ReferenceDataError, load_mdd_directory, parse_tables
from meter2cash.interpret.reference.mdd_csv import COLUMNS

EXTRACT = Path(__file__).parents[4] / "examples" / "reference" / "mdd"

# First lines of files of the extract as mirrored in WessexWater/chellow-rates (verbatim), with
# their first data row: the loader must read them as Elexon writes them.
MIRRORED_MR = '"Standard Settlement Configuration ID","Time Pattern Regime ID"\n"0001","00205"\n'
MIRRORED_VMS = (
    '"Meter Timeswitch Class ID","Effective From Settlement Date (MTC)","Market Participant ID",'
    '"Effective From Settlement Date (MTCPA)","Standard Settlement Configuration ID",'
    '"Effective From Settlement Date (VMTCSC)","Effective To Settlement Date (VMTCSC)"\n'
    '"1","01/04/1996","EDFI","16/04/2009","0349","16/04/2009","17/12/2014"\n'
)
TPR = '"Time Pattern Regime Id","Tele-switch/Clock Indicator","GMT Indicator"\n"205","C","N"\n'
CI = (
    '"Time Pattern Regime Id","Day of the Week Id","Start Day","Start Month","End Day",'
    '"End Month","Start Time","End Time"\n'
)


def test_the_shipped_extract_answers_the_worked_examples() -> None:
    mdd = load_mdd_directory(EXTRACT)
    assert mdd.version is None  # rows from several releases: no version suffix
    assert {ssc: mdd.tprs_of(ssc) for ssc in ("0393", "0151", "0244", "0154", "0242")} == {
        "0393": ("00001",),
        "0151": ("00043", "00210"),
        "0244": ("00040", "00206"),
        "0154": ("00039", "00221"),
        "0242": ("00044", "00208"),
    }
    assert mdd.half_hours_by_tpr("0151", date(2025, 10, 26)) == {"00043": 36, "00210": 14}
    assert mdd.half_hours_by_tpr("0154", date(2025, 3, 30)) == {"00221": 12, "00039": 34}
    assert mdd.tpr_at("0151", datetime(2025, 6, 1, 0, 30, tzinfo=UTC)) == "00210"  # 01:30 BST
    assert mdd.is_valid_mtc_ssc("801", "0393", date(2025, 1, 1), "LOND")
    assert not mdd.is_valid_mtc_ssc("801", "0151", date(2025, 1, 1))
    assert mdd.is_valid_mtc_ssc("811", "0151", date(2025, 1, 1), "MANW")
    ssc = mdd.ssc("0393", date(2025, 1, 1))
    assert ssc is not None and ssc.description == "Unrestricted" and ssc.ssc_type == "I"


def test_mirrored_headers_and_old_id_spelling_are_read_and_ids_padded() -> None:
    mdd = parse_tables(
        {
            "Measurement_Requirement": (MIRRORED_MR, "mr.csv"),
            "Time_Pattern_Regime": (TPR, "tpr.csv"),
            "Clock_Interval": (CI + '"205","1","1","1","31","12","00:00","24:00"\n', "ci.csv"),
            "Valid_MTC_SSC_Combination": (MIRRORED_VMS, "vms.csv"),
        },
        version="341",
    )
    assert mdd.version == "341"
    assert mdd.tprs_of("0001") == ("00205",)
    assert mdd.clock_intervals[0].tpr_id == "00205" and mdd.clock_intervals[0].end_minute == 1440
    row = mdd.valid_mtc_ssc[0]
    assert (row.meter_timeswitch_class, row.effective_to) == ("001", date(2014, 12, 17))


def test_versioned_file_names_are_read_and_must_agree(tmp_path: Path) -> None:
    for source in EXTRACT.glob("*.csv"):
        shutil.copy(source, tmp_path / source.name.replace(".csv", "_377.csv"))
    assert load_mdd_directory(tmp_path).version == "377"
    (tmp_path / "Clock_Interval_377.csv").rename(tmp_path / "Clock_Interval_376.csv")
    with pytest.raises(ReferenceDataError, match=r"mixed MDD versions \['376', '377'\]"):
        load_mdd_directory(tmp_path)


def test_a_missing_required_table_is_named(tmp_path: Path) -> None:
    shutil.copy(EXTRACT / "Measurement_Requirement.csv", tmp_path)
    with pytest.raises(
        ReferenceDataError, match=r"missing table.*Time_Pattern_Regime, Clock_Interval"
    ):
        load_mdd_directory(tmp_path)


def _tables(clock_rows: str, tpr: str = TPR) -> dict[str, tuple[str, str]]:
    return {
        "Measurement_Requirement": (MIRRORED_MR, "mr.csv"),
        "Time_Pattern_Regime": (tpr, "tpr.csv"),
        "Clock_Interval": (CI + clock_rows, "ci.csv"),
    }


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        (
            _tables('"205","1","1","1","31","12","0000","24:00"\n'),
            "ci.csv: line 2, column Start Time: '0000' is not an HH:MM time",
        ),
        (
            _tables('"205","1","1","1","31","12","00:00","25:00"\n'),
            "ci.csv: line 2, column End Time: '25:00' is not a time of day",
        ),
        (
            _tables('"205","9","1","1","31","12","00:00","24:00"\n'),
            "ci.csv: line 2: TPR 00205: day of the week 9 is not 1..7",
        ),
        (_tables('"205","1","1","1","31","12","00:00"\n'), "ci.csv: line 2: 7 cells for 8 columns"),
        (
            _tables("", TPR.replace("GMT Indicator", "GMT")),
            "tpr.csv: line 1: Time_Pattern_Regime: missing column(s) ['GMT Indicator']",
        ),
        (
            _tables("", TPR.replace('"N"', '"X"')),
            "tpr.csv: line 2, column GMT Indicator: 'X' is neither Y nor N",
        ),
        (
            _tables("", '"Time Pattern Regime ID","Tele-switch/Clock Indicator","GMT Indicator"\n'),
            "mr.csv: table: SSC 0001 measures TPR 00205, which is not in the TPR table",
        ),
        (
            {
                **_tables(""),
                "Valid_MTC_SSC_Combination": (
                    MIRRORED_VMS.replace("16/04/2009", "2009-04-16"),
                    "v.csv",
                ),
            },
            "v.csv: line 2, column Effective From Settlement Date (MTCPA): '2009-04-16' is not a dd/mm/yyyy date",
        ),
        ({**_tables(""), "Clock_Interval": ("", "ci.csv")}, "ci.csv: line 1: the file is empty"),
    ],
)
def test_errors_name_file_line_column_and_reason(
    tables: dict[str, tuple[str, str]], message: str
) -> None:
    with pytest.raises(ReferenceDataError) as caught:
        parse_tables(tables)
    assert message in str(caught.value), str(caught.value)


def test_every_table_layout_is_documented_in_the_readme() -> None:
    readme = (
        Path(__file__).parents[4] / "src/meter2cash/interpret/reference/README.md"
    ).read_text()
    for table, columns in COLUMNS.items():
        assert f"`{table}`" in readme
        for column in columns:
            assert column.split(" (")[0] in readme, column
