"""The workbook writer: every cell lands in its own column although cells carry no
reference, read back by openpyxl (an independent reader of the format)."""

from __future__ import annotations

import math

from openpyxl import load_workbook

from dana.render.xlsx import BOLD, Sheet, write_workbook


def test_cells_without_references_land_in_their_columns(tmp_path):
    rows = [
        ["area", "value", "shown", "note"],
        ["Hartlepool", 12.5, True, "a < b & c"],
        ["York", math.nan, False, None],  # empty cells keep the later ones in place
        ["Leeds", 7],  # a short row: the rest is empty
    ]
    path = write_workbook(
        tmp_path / "book.xlsx",
        [Sheet("Data", rows, styles={0: BOLD}), Sheet("Empty", [["area", "value"]])],
    )
    book = load_workbook(path)
    data = book["Data"]
    assert [[c.value for c in row] for row in data.iter_rows()] == [
        ["area", "value", "shown", "note"],
        ["Hartlepool", 12.5, True, "a < b & c"],
        ["York", None, False, None],
        ["Leeds", 7, None, None],
    ]
    assert data["D2"].value == "a < b & c" and data["B4"].value == 7
    assert data["A2"].font.b and data.freeze_panes == "A2"
    assert [[c.value for c in row] for row in book["Empty"].iter_rows()] == [["area", "value"]]


def test_columns_of_one_kind_and_mixed_columns_read_back_the_same(tmp_path):
    import numpy as np

    rows = [
        ["float", "int", "text", "mixed"],
        [np.float64(0.1), np.int64(3), "Leeds", 1],
        [math.inf, 4, None, "two"],
        [None, None, "<York & co>", 2.5],
        [np.float32(2.5), True, "", None],
    ]
    path = write_workbook(tmp_path / "kinds.xlsx", [Sheet("Data", rows)])
    got = [[c.value for c in row] for row in load_workbook(path)["Data"].iter_rows()]
    assert got == [
        ["float", "int", "text", "mixed"],
        [0.1, 3, "Leeds", 1],
        [None, 4, None, "two"],  # infinity has no cell value in XLSX: left empty
        [None, None, "<York & co>", 2.5],
        [2.5, True, "", None],
    ]
