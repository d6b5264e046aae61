"""The credentials workbook of an import carries the platform's login address, built on
PUBLIC_BASE_URL (services.urls.public_url), so that a printed slip tells a new representative where
to log in with the code."""
from io import BytesIO

from openpyxl import load_workbook

from tests.support.import_files import REP_HEADER, reps, upload, xlsx


def test_credentials_carry_the_public_login_address(world, db, api, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://rephome.example.gov.cn:8443/rephome")
    manager = api(world.manager_a)
    resp = upload(manager, "representatives", xlsx(REP_HEADER, reps(2)), dry_run=False)
    url = resp.get_json()["credentials_url"]
    data = manager.client.get(url, headers=manager._headers()).data
    sheet = load_workbook(BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("用户名", "姓名", "激活码", "有效期至", "说明", "登录地址")
    assert [row[5] for row in rows[1:]] == ["https://rephome.example.gov.cn:8443/rephome/login"] * 2
    assert sheet.column_dimensions["F"].width >= len(rows[1][5])
