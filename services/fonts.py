"""Fonts for every PDF the platform makes: embedded TrueType subsets, Chinese beyond the BMP included.

A PDF that names a font without embedding it (ReportLab's CID font STSong-Light) prints only where the
reader has that font: Adobe Reader asks for a font pack, poppler draws nothing. Here each piece of text
is drawn with the first font of a chain that has its character, and only the glyphs used are embedded
(a TrueType subset per font):

1. WenQuanYi Zen Hei (fonts-wqy-zenhei, GPL-2 with the font embedding exception): CJK of the BMP,
   Latin, digits and punctuation;
2. HanaMinA (fonts-hanazono, OFL or the Hanazono licence): rarer BMP ideographs (Ext-A and others);
3. HanaMinB (fonts-hanazono): the supplementary planes (Ext-B and later, e.g. 𠮷 U+20BB7).

Noto Sans CJK is not in the chain: its outlines are CFF, which ReportLab cannot embed. The font files
come from Debian's packages, installed by `make run` and `make test` (`.ci/pdf-fonts`); FONT_DIRS (a
colon-separated list of folders searched first) points elsewhere. Licences: licenses/ in the repository.

A character that no font of the chain has is drawn as a hollow box (never dropped), logged as a WARNING
with its code point, and returned by `draw_text` so that the caller can report it too.

    from services.fonts import draw_text, new_canvas
    pdf = new_canvas(buffer, A4)
    missing = draw_text(pdf, x, y, "代表𠮷", 12, align="center")
"""
import logging
import os
import threading
from dataclasses import dataclass

from services.errors import ServiceError

__all__ = ["FontsMissing", "Font", "chain", "new_canvas", "draw_text", "text_width", "fit_size",
           "missing_characters", "runs", "SEARCH_DIRS"]

log = logging.getLogger(__name__)

#: Where Debian installs the fonts (then any folder in FONT_DIRS, searched first).
SEARCH_DIRS = ("/usr/share/fonts/truetype/wqy", "/usr/share/fonts/truetype/hanazono",
               "/usr/share/fonts/truetype", "/usr/local/share/fonts")


@dataclass(frozen=True)
class Font:
    """One font of the chain: its ReportLab name, file name and index inside a .ttc collection."""

    name: str
    filename: str
    subfont: int = 0
    package: str = ""


CHAIN = (
    Font("WQYZenHei", "wqy-zenhei.ttc", 0, "fonts-wqy-zenhei"),
    Font("HanaMinA", "HanaMinA.ttf", 0, "fonts-hanazono"),
    Font("HanaMinB", "HanaMinB.ttf", 0, "fonts-hanazono"),
)


class FontsMissing(ServiceError):
    """No font of the chain is installed: Chinese cannot be printed (503; install the packages)."""

    status = 503
    code = "service_unavailable"


def _utf16_hex(code: int) -> str:
    return chr(code).encode("utf-16-be").hex().upper()


def _to_unicode_cmap(fontname, subset, _original=None):
    """ReportLab's ToUnicode CMap with each code written as UTF-16BE, as the PDF standard says:
    ReportLab writes U+20BB7 as <20BB7>, which readers take for U+20BB (copying, searching and
    pdftotext would then give the wrong character)."""
    lines = _original(fontname, subset).split("\n")
    start = next(i for i, line in enumerate(lines) if line.endswith("beginbfchar")) + 1
    lines[start:start + len(subset)] = [f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset)]
    return "\n".join(lines)


def _patch_to_unicode() -> None:
    from functools import partial

    from reportlab.pdfbase import ttfonts

    if not getattr(ttfonts.makeToUnicodeCMap, "utf16", False):
        patched = partial(_to_unicode_cmap, _original=ttfonts.makeToUnicodeCMap)
        patched.utf16 = True
        ttfonts.makeToUnicodeCMap = patched


_loaded: dict[str, object] = {}
_absent: set[str] = set()
_lock = threading.Lock()


def _dirs() -> list[str]:
    extra = [d for d in (os.environ.get("FONT_DIRS") or "").split(":") if d]
    return [*extra, *SEARCH_DIRS]


def _find(filename: str) -> str | None:
    for folder in _dirs():
        path = os.path.join(folder, filename)
        if os.path.isfile(path):
            return path
    return None


def _load(font: Font):
    """The registered ReportLab TTFont of `font` (None when its file is not installed); loaded
    once per process, on first need (HanaMinB is read only when a text needs it)."""
    if font.name in _loaded:
        return _loaded[font.name]
    if font.name in _absent:
        return None
    with _lock:
        if font.name in _loaded:
            return _loaded[font.name]
        path = _find(font.filename)
        if path is None:
            _absent.add(font.name)
            log.warning("PDF font %s (%s, Debian package %s) is not installed",
                        font.name, font.filename, font.package)
            return None
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        _patch_to_unicode()
        tt = TTFont(font.name, path, subfontIndex=font.subfont)
        pdfmetrics.registerFont(tt)
        _loaded[font.name] = tt
        return tt


def chain() -> list[str]:
    """The names of the installed fonts of the chain, in order; FontsMissing when none is."""
    names = [f.name for f in CHAIN if _load(f) is not None]
    if not names:
        raise FontsMissing("服务器没有安装中文字体（fonts-wqy-zenhei、fonts-hanazono），暂时无法生成 PDF")
    return names


def new_canvas(target, pagesize, **options):
    """A ReportLab canvas whose initial font is the chain's first (ReportLab's default, Helvetica,
    would be named in every page without being embedded). FontsMissing when no font is installed."""
    from reportlab.pdfgen import canvas

    return canvas.Canvas(target, pagesize=pagesize, initialFontName=chain()[0], **options)


def _font_for(char: str) -> str | None:
    """The first font of the chain that has `char` (None when none has it)."""
    code = ord(char)
    for font in CHAIN:
        tt = _load(font)
        if tt is not None and code in tt.face.charToGlyph:
            return font.name
    return None


def runs(text: str) -> list[tuple[str | None, str]]:
    """`text` cut into (font name, piece) runs; a piece no font has comes with None, one character
    per run. Line breaks and other control characters are dropped (one line is drawn)."""
    chain()
    out: list[tuple[str | None, str]] = []
    for char in text:
        if char < " ":
            continue
        name = _font_for(char)
        if out and name is not None and out[-1][0] == name:
            out[-1] = (name, out[-1][1] + char)
        else:
            out.append((name, char))
    return out


def missing_characters(text: str) -> list[str]:
    """The distinct characters of `text` that no installed font of the chain has, in order."""
    return list(dict.fromkeys(piece for name, piece in runs(text) if name is None))


def _width(parts, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return sum(stringWidth(piece, name, size) if name else size * 0.8 for name, piece in parts)


def text_width(text: str, size: float) -> float:
    """The width in points of `text` drawn at `size` by `draw_text`."""
    return _width(runs(text), size)


def fit_size(text: str, size: float, max_width: float, smallest: float = 6) -> float:
    """The largest size ≤ `size` (in half-point steps, not below `smallest`) at which `text` fits."""
    parts = runs(text)
    while size > smallest and _width(parts, size) > max_width:
        size -= 0.5
    return size


def draw_text(canvas, x: float, y: float, text: str, size: float, align: str = "left") -> list[str]:
    """Draw one line of `text` on a ReportLab canvas at baseline `y`, `size` points, starting at `x`
    (align "left"), centred on it ("center") or ending at it ("right"), in the canvas's fill colour.

    Returns the characters no font has (drawn as hollow boxes, logged as a WARNING); raises
    FontsMissing when no CJK font is installed at all.
    """
    parts = runs(text)
    width = _width(parts, size)
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    missing = []
    for name, piece in parts:
        if name is None:
            missing.append(piece)
            box = size * 0.8
            canvas.saveState()
            canvas.setStrokeColor(canvas._fillColorObj)
            canvas.setLineWidth(max(size / 20, 0.4))
            canvas.rect(x + size * 0.08, y - size * 0.05, box - size * 0.16, size * 0.75,
                        stroke=1, fill=0)
            canvas.restoreState()
            x += box
            continue
        canvas.setFont(name, size)
        canvas.drawString(x, y, piece)
        from reportlab.pdfbase.pdfmetrics import stringWidth

        x += stringWidth(piece, name, size)
    if missing:
        log.warning("PDF text has characters no installed font has, drawn as boxes: %s in %r",
                    ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(missing)), text[:80])
    return missing
