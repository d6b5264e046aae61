"""Photos as phones send them (SPEC §3, §10 "Photos"), made ready once, at upload (Pillow,
pillow-heif).

`prepare(data, mime)` takes an image's bytes and the type its content showed (filetype) and gives
back what is stored: the original without EXIF, XMP or text metadata (no GPS: PIPL, minimum
necessary), turned upright as the EXIF orientation said; an iPhone HEIC/HEIF photo converted to
JPEG (SPEC §3 keeps jpg/png/pdf); and its two thumbnails (JPEG: SMALL for pages, LARGE for the
台账), made from any Pillow mode (16-bit greyscale scaled, not clipped to white; palette,
transparency and CMYK on white RGB). An image over MAX_PIXELS is refused from its header, before
any pixel is decoded. An image without metadata that needs no turning is kept byte for byte.
"""
from dataclasses import dataclass
from io import BytesIO

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 40_000_000  # a 40-megapixel photo decodes to 120 MB of RGB: bounded per worker
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own guard agrees (it errors past twice this)
pillow_heif.register_heif_opener()

SMALL = (320, 240)
LARGE = (480, 480)
HEIF_TYPES = ("image/heic", "image/heif")
_METADATA = ("exif", "xmp", "XML:com.adobe.xmp", "photoshop", "comment", "iptc")
_WHITE = (255, 255, 255)


class PhotoRefused(ValueError):
    """An image that cannot be stored; the message (Chinese) says why."""


@dataclass
class Photo:
    data: bytes
    mime: str
    small: bytes
    large: bytes


def prepare(data: bytes, mime: str) -> Photo:
    """The photo to store for image bytes of type `mime` (image/jpeg, image/png, image/heic or
    image/heif); PhotoRefused when it is over MAX_PIXELS or cannot be decoded."""
    try:
        with Image.open(BytesIO(data)) as img:
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise PhotoRefused(f"图片像素过多（{width}×{height}），"
                                   f"请缩小到{MAX_PIXELS // 10_000}万像素以内后上传")
            img.load()
            return _prepared(img, data, mime)
    except PhotoRefused:
        raise
    except Image.DecompressionBombError as error:  # over twice MAX_PIXELS: Pillow refuses it
        raise PhotoRefused(f"图片像素过多，请缩小到{MAX_PIXELS // 10_000}万像素以内后上传") from error
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError) as error:
        raise PhotoRefused("图片无法读取（文件已损坏或不完整）") from error


def _prepared(img: Image.Image, data: bytes, mime: str) -> Photo:
    orientation = img.getexif().get(0x0112, 1)
    upright = ImageOps.exif_transpose(img) if orientation not in (None, 1) else img
    has_metadata = any(key in img.info for key in _METADATA) or bool(getattr(img, "text", None))
    if mime in HEIF_TYPES:
        data, mime = _encode(upright, "JPEG"), "image/jpeg"
    elif upright is not img or has_metadata:
        keep = mime == "image/jpeg" and upright is img  # no turning: JPEG tables kept as they are
        data = _encode(upright, "JPEG" if mime == "image/jpeg" else "PNG", keep_quality=keep)
    large = displayable(upright).copy()
    large.thumbnail(LARGE)
    return Photo(data=data, mime=mime, small=_thumbnail(large, SMALL), large=_thumbnail(large, LARGE))


def _encode(img: Image.Image, fmt: str, *, keep_quality: bool = False) -> bytes:
    """The image in `fmt` with no metadata but its colour profile."""
    out = BytesIO()
    options = {}
    if img.info.get("icc_profile"):
        options["icc_profile"] = img.info["icc_profile"]
    if fmt == "JPEG":
        if keep_quality:
            options.update(quality="keep", subsampling="keep")
        else:
            options["quality"] = 90
            if img.mode not in ("RGB", "L", "CMYK"):
                img = displayable(img)
    img.save(out, fmt, **options)
    return out.getvalue()


def displayable(img: Image.Image) -> Image.Image:
    """The image as 8-bit RGB or L: deeper greyscale scaled to its range, transparency and
    palettes on white, CMYK and the other colour spaces converted."""
    mode = img.mode
    if mode in ("RGB", "L"):
        return img
    if mode == "1":
        return img.convert("L")
    if mode.startswith("I") or mode == "F":
        wide = img.convert("I") if mode != "I" else img
        low, high = wide.getextrema()
        span = max(high - low, 1)
        return wide.point(lambda v: (v - low) * 255 / span).convert("L")
    if mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, _WHITE)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")


def _thumbnail(img: Image.Image, size: tuple[int, int]) -> bytes:
    copy = img.copy()
    copy.thumbnail(size)
    out = BytesIO()
    copy.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()
