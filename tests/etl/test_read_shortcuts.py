"""The reader's and parser's shortcuts for big files read the same as the general way.

- Stray spaces are looked for at the ends of cells only for the white space a plain ASCII file
  holds; a cell ending in any of them is still trimmed, and any other file is trimmed as before.
- Code words typed as codes become Categorical directly, typed as labels they are looked up;
  both give the codes, and the parsed columns come in the frame's own pieces (a million rows
  in other pieces made polars copy every text column of the frame).
"""
from __future__ import annotations

import polars as pl
import pytest

from etl import parse, read

ASCII_SPACES = [" ", "\t", "\r", "\x0b", "\x0c"]


def read_institutions(tmp_path, content: bytes) -> pl.DataFrame:
    path = tmp_path / "institutions.csv"
    path.write_bytes(content)
    source = read.RawSource(tmp_path)
    read._read_csv_table(path, "institutions", source)
    return source.tables["institutions"].frame


@pytest.mark.parametrize("space", ASCII_SPACES)
@pytest.mark.parametrize("end", ["before", "after"])
def test_a_cell_with_ascii_white_space_at_one_end_is_trimmed(tmp_path, space, end):
    cell = space + "PER" if end == "before" else "PER" + space
    frame = read_institutions(tmp_path, f"iso3,name\n{cell},Defensoria\nCHL,INDH\n".encode("ascii"))
    assert frame.get_column("iso3").to_list() == ["PER", "CHL"]


@pytest.mark.parametrize("space", ["\u00a0", "\u2003", "\u3000", "\u0085"])
def test_a_cell_with_unicode_white_space_at_its_end_is_trimmed(tmp_path, space):
    frame = read_institutions(tmp_path, f"iso3,name\nPER,Defensoría{space}\n".encode("utf-8"))
    assert frame.get_column("name").to_list() == ["Defensoría"]


def test_a_quoted_line_break_at_the_end_of_a_cell_is_trimmed(tmp_path):
    frame = read_institutions(tmp_path, b'iso3,name\nPER,"Defensoria\n"\n')
    assert frame.get_column("name").to_list() == ["Defensoria"]


def test_a_cell_of_spaces_is_blank_and_its_empty_row_goes(tmp_path):
    frame = read_institutions(tmp_path, b"iso3,name\nPER,Defensoria\n  ,\t\nCHL,INDH\n")
    assert frame.get_column("iso3").to_list() == ["PER", "CHL"]
    assert frame.get_column(read.ROW).to_list() == [2, 4]


def test_spaces_inside_a_cell_are_kept(tmp_path):
    frame = read_institutions(tmp_path, b"iso3,name\nPER,Defensoria del Pueblo\n")
    assert frame.get_column("name").to_list() == ["Defensoria del Pueblo"]


def test_the_ascii_shortcut_trims_exactly_what_the_general_check_does():
    import random

    rng = random.Random(11)
    alphabet = ["a", "b", " ", "\t", "\r", "\x0b", "\x0c", "\n"]
    trimmed = 0
    for _ in range(300):  # two cells a column: one needing a trim is not hidden by another one
        cells = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4))) for _ in range(2)]
        frame = pl.DataFrame({read.ROW: range(len(cells)), "c": cells})
        data = "\n".join(cells).encode("ascii") + b'"'  # a quote: line breaks may be inside cells
        general = read._drop_empty_tail_rows(frame, None)
        assert read._drop_empty_tail_rows(frame, read._ascii_spaces_in(data)).equals(general), cells
        trimmed += not general.equals(frame)
    assert trimmed > 100  # the samples do need trimming


def in_pieces(columns: dict[str, list], pieces: int) -> pl.DataFrame:
    frame = pl.DataFrame(columns, schema={name: pl.String for name in columns})
    size = -(-frame.height // pieces)
    return pl.concat([frame.slice(i * size, size) for i in range(pieces)], rechunk=False)


def place_type_parser() -> parse.ColumnParser:
    return parse.ColumnParser("place__raw", "place", pl.Categorical, word=parse.vocabulary_mapper("place_type"))


def test_codes_typed_as_codes_and_as_labels_give_the_same_codes():
    as_codes = in_pieces({"place__raw": ["prison", "police_custody", None, "prison"]}, 2)
    as_labels = in_pieces({"place__raw": ["Cárcel", "Comisaría", None, "prisons"]}, 2)
    expected = ["prison", "police_custody", None, "prison"]
    for frame in (as_codes, as_labels):
        parsed = parse.parse_frame(frame, [place_type_parser()]).get_column("place")
        assert parsed.dtype == pl.Categorical
        assert parsed.cast(pl.String).to_list() == expected


def test_an_unknown_word_among_codes_is_null():
    frame = in_pieces({"place__raw": ["prison", "prisoon", "prison"]}, 2)
    parsed = parse.parse_frame(frame, [place_type_parser()]).get_column("place")
    assert parsed.cast(pl.String).to_list() == ["prison", None, "prison"]


def test_parsed_columns_come_in_the_frames_own_pieces():
    rows = 3_000
    frame = in_pieces({"place__raw": ["prison", "police_custody", "prison"] * (rows // 3),
                       "date__raw": ["2020-01-31", "31/01/2020", "2021-02-01"] * (rows // 3)}, 3)
    parsers = [place_type_parser(), parse.ColumnParser("date__raw", "date", pl.Date, expression=parse.date)]
    parsed = parse.parse_frame(frame, parsers)
    assert {name: parsed.get_column(name).n_chunks() for name in parsed.columns} == dict.fromkeys(parsed.columns, 3)
