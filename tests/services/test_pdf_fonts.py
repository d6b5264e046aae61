"""PDFs print as they look (services/fonts.py): every font embedded as a TrueType subset, Chinese drawn
(pdftoppm shows dark pixels where the text is), characters beyond the BMP (𠮷 U+20BB7) included and
extractable, a character that no font has drawn as a box and reported. Every PDF maker goes through
the shared module (a house rule checked on the source)."""
import io
import logging
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from PIL import Image

from services import fonts
from services.appeals.cards import Card, cards_pdf

ROOT = Path(__file__).resolve().parents[2]
RARE = "\U00020BB7"  # 𠮷, CJK Extension B
NO_FONT = "\U000F0001"  # a private-use character of plane 15: no font has it

pytestmark = pytest.mark.skipif(not shutil.which("pdftoppm"),
                                reason="poppler-utils is missing (.ci/test-deps installs it)")


def pdf_fonts(data: bytes) -> list[dict]:
    """pdffonts' table: one dict per font (name, type, emb)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(data)
        tmp.flush()
        out = subprocess.run(["pdffonts", tmp.name], capture_output=True, check=True,
                             text=True).stdout.splitlines()[2:]
    rows = []
    for line in out:
        parts = line.split()
        # name, type (one or two words), encoding, emb, sub, uni, object, id
        rows.append({"name": parts[0], "type": " ".join(parts[1:-6]), "emb": parts[-5]})
    return rows


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


def render(data: bytes, dpi: int = 72) -> Image.Image:
    """The first page as a grayscale image (1 px = 1 pt at 72 dpi)."""
    png = subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", str(dpi), "-gray", "-png", "-"],
                         input=data, capture_output=True, check=True).stdout
    return Image.open(io.BytesIO(png)).convert("L")


def dark_pixels(img: Image.Image, box) -> int:
    return sum(1 for p in img.crop(box).tobytes() if p < 128)


def assert_every_font_embedded(data: bytes) -> list[dict]:
    rows = pdf_fonts(data)
    assert rows, "no font at all"
    assert all(r["emb"] == "yes" and r["type"] == "TrueType" for r in rows), rows
    assert b"/FontFile2" in data and not re.search(rb"/FontFile[ /\n]", data)
    assert b"STSong" not in data and b"Helvetica" not in data
    return rows


def card(name="张三", home="南京市玄武区科学技术协会代表之家",
         url="https://rephome.example.gov.cn:8443/r/Ab12Cd34"):
    return Card(name=name, level="省级", home_name=home, url=url)


def test_a_card_embeds_its_fonts_and_prints_chinese():
    data = cards_pdf([card()])
    rows = assert_every_font_embedded(data)
    assert any("WenQuanYiZenHei" in r["name"] for r in rows)
    text = pdf_text(data)
    assert "张三（省级代表）" in text and "南京市玄武区科学技术协会代表之家" in text
    assert "扫码向代表反映诉求" in text and "https://rephome.example.gov.cn:8443/r/Ab12Cd34" in text
    img = render(data)
    width = img.width
    # The name line (baseline 76 pt below the top, 18 pt): dark pixels where the text is …
    assert dark_pixels(img, (0, 76 - 18, width, 76 + 4)) > 150
    # … and the header's white title on blue: light pixels inside the band.
    band = img.crop((0, 8, width, 40))
    assert sum(1 for p in band.tobytes() if p > 200) > 100


def test_characters_beyond_the_bmp_are_embedded_and_extractable():
    data = cards_pdf([card(name=f"吉{RARE}祥")])
    rows = assert_every_font_embedded(data)
    assert any(r["name"].split("+")[-1].startswith("HanaMin") for r in rows)
    assert f"吉{RARE}祥" in pdf_text(data)  # ToUnicode as UTF-16 (a surrogate pair), not <20BB7>


def test_the_rare_character_itself_is_drawn():
    buf = io.BytesIO()
    pdf = fonts.new_canvas(buf, (100, 100))
    assert fonts.draw_text(pdf, 50, 40, RARE, 40, align="center") == []
    pdf.showPage()
    pdf.save()
    img = render(buf.getvalue())
    assert dark_pixels(img, (25, 100 - 40 - 36, 75, 100 - 40 + 6)) > 100
    assert_every_font_embedded(buf.getvalue())


def test_a_character_no_font_has_is_drawn_as_a_box_and_reported(caplog):
    buf = io.BytesIO()
    pdf = fonts.new_canvas(buf, (200, 100))
    with caplog.at_level(logging.WARNING, logger="services.fonts"):
        missing = fonts.draw_text(pdf, 10, 40, f"甲{NO_FONT}乙", 20)
    assert missing == [NO_FONT]
    assert any("U+F0001" in r.getMessage() for r in caplog.records)
    assert fonts.missing_characters(f"甲{NO_FONT}乙{NO_FONT}") == [NO_FONT]
    pdf.showPage()
    pdf.save()
    img = render(buf.getvalue())
    # The box stands between 甲 (10–30 pt) and 乙: dark pixels there, nothing dropped.
    assert dark_pixels(img, (31, 100 - 40 - 16, 45, 100 - 40 + 2)) > 10
    assert fonts.text_width(f"甲{NO_FONT}乙", 20) == pytest.approx(56, abs=1)


def test_without_any_cjk_font_a_pdf_is_refused_not_printed_blank(monkeypatch):
    monkeypatch.setattr(fonts, "_loaded", {})
    monkeypatch.setattr(fonts, "_absent", set())
    monkeypatch.setattr(fonts, "SEARCH_DIRS", ())
    monkeypatch.setenv("FONT_DIRS", "")
    with pytest.raises(fonts.FontsMissing) as err:
        cards_pdf([card()])
    assert err.value.status == 503 and "中文字体" in err.value.message


def test_every_pdf_maker_uses_the_shared_font_module():
    """No module but services/fonts.py creates a ReportLab canvas or names a CID or base-14 font: a
    new PDF (a sign-in poster …) draws its text with fonts.new_canvas and fonts.draw_text."""
    offenders = []
    for path in [*ROOT.glob("services/**/*.py"), *ROOT.glob("blueprints/**/*.py"),
                 *ROOT.glob("jobs/**/*.py"), *ROOT.glob("cli/**/*.py")]:
        if path == ROOT / "services" / "fonts.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"canvas\.Canvas\(|UnicodeCIDFont|STSong|SimpleDocTemplate|setFont\(", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_sign_in_poster_embeds_its_fonts_and_prints_chinese():
    from datetime import date

    from services.signin import Poster, poster_pdf

    data = poster_pdf(Poster(title=f"{RARE}家社区科普讲座", day=date(2026, 5, 4), location="社区活动室",
                             home_name="南京市玄武区科协代表之家",
                             url="https://rephome.example.gov.cn:8443/s/AbCd1234", code="AbCd1234"))
    assert_every_font_embedded(data)
    text = pdf_text(data)
    assert f"{RARE}家社区科普讲座" in text and "请用手机扫码签到" in text
    assert "https://rephome.example.gov.cn:8443/s/AbCd1234" in text
    img = render(data)
    # The title line (baseline 150 pt below the top, 24 pt): Chinese drawn there.
    assert dark_pixels(img, (0, 150 - 24, img.width, 150 + 6)) > 300
