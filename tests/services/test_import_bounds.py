"""A spreadsheet is bounded in what it unpacks to and in its rows, blank ones included (SPEC §10,
§5.8): refused with 413 before openpyxl reads what is over the bounds."""
import time

import pytest

from services.imports import reading
from tests.support import bombs
from tests.support.import_files import upload

HEADER = ["姓名", "手机号", "代表层级"]


@pytest.fixture(scope="module")
def huge_cell():
    return bombs.xlsx_with_huge_cell(HEADER, megabytes=300)


@pytest.fixture(scope="module")
def blank_rows():
    return bombs.xlsx_with_blank_rows(HEADER, 900_000, data_row=["张三", "13900000000", "市级"])


def test_a_300_mb_cell_in_a_300_kb_file_is_413_unread(world, api, huge_cell, monkeypatch):
    assert len(huge_cell) < 1024 * 1024
    opened = []
    monkeypatch.setattr(reading, "load_workbook",
                        lambda *a, **kw: opened.append(1) or pytest.fail("openpyxl opened it"))
    started = time.perf_counter()
    resp = upload(api(world.manager_a), "representatives", huge_cell)
    assert time.perf_counter() - started < 3
    assert resp.status_code == 413 and not opened
    error = resp.get_json()["error"]
    assert error["code"] == "payload_too_large" and "解压后超过40 MB" in error["fields"]["file"][0]


def test_900000_blank_rows_count_and_are_not_read_to_the_end(world, api, blank_rows, monkeypatch):
    monkeypatch.setattr(reading, "load_workbook", lambda *a, **kw: pytest.fail("openpyxl opened it"))
    started = time.perf_counter()
    resp = upload(api(world.manager_a), "representatives", blank_rows)
    assert time.perf_counter() - started < 10
    assert resp.status_code == 413
    assert "空行也计入" in resp.get_json()["error"]["fields"]["file"][0]


def test_rows_up_to_the_bound_are_read_blank_ones_included(world, api):
    within = bombs.xlsx_with_blank_rows(HEADER, reading.MAX_ROWS - 1,
                                        data_row=["张三", "13900000000", "市级"])
    body = upload(api(world.manager_a), "representatives", within).get_json()
    assert body["created"] == 1 and body["refused"] == []


def test_check_archive_reads_only_the_directory():
    many = bombs.xlsx_with_huge_cell(HEADER, megabytes=41)
    with pytest.raises(reading.PayloadTooLarge):
        reading.check_archive(many)
    reading.check_archive(bombs.xlsx_with_huge_cell(HEADER, megabytes=1))  # within: no error
    reading.check_archive(b"not a zip")  # left to openpyxl, which says it is no workbook


def test_rows_are_counted_in_the_sheet_xml_before_openpyxl_opens_it(monkeypatch):
    at_bound = bombs.xlsx_with_blank_rows(HEADER, reading.MAX_ROWS + reading.HEADER_SEARCH_ROWS - 1)
    reading.check_archive(at_bound)
    over = bombs.xlsx_with_blank_rows(HEADER, reading.MAX_ROWS + reading.HEADER_SEARCH_ROWS)
    with pytest.raises(reading.PayloadTooLarge) as info:
        reading.check_archive(over)
    assert "空行也计入" in info.value.message
