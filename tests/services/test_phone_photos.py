"""Photos as phones send them (SPEC §3, §10 "Photos"): names without an extension or
percent-encoded, EXIF (GPS) stripped with the orientation applied, every Pillow mode, iPhone HEIC
converted to JPEG, over 40 megapixels refused before decoding, thumbnails stored at upload."""
import io

import pillow_heif
import pytest
from PIL import Image

from extensions import db
from services import activities as service
from services.activities import photos
from services.errors import ValidationFailed
from services.storage import get_storage
from tests.support import bombs
from tests.support import factories as f

pillow_heif.register_heif_opener()


def jpeg_with_gps(size=(60, 40), orientation=6) -> bytes:
    """A phone JPEG: GPS position and an orientation (6: turn 90° clockwise to show)."""
    img = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (32.0, 3.0, 0.0), "E", (118.0, 47.0, 0.0)
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def upload(world, *files):
    activity = f.activity(world.rep_a)
    db.session.commit()
    created = service.add_attachments(world.rep_a, activity, list(files))
    db.session.commit()
    return created


def test_exif_and_gps_are_stripped_with_the_orientation_applied(world):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # it has GPS
    (item,) = upload(world, ("IMG_0001.jpg", original))
    stored = get_storage().read(item.stored_name)
    with Image.open(io.BytesIO(stored)) as img:
        assert not img.getexif() and "exif" not in img.info
        assert img.size == (40, 60)  # turned upright, as the phone showed it
    assert item.size == len(stored)


def test_a_photo_without_metadata_is_kept_byte_for_byte(world):
    (item,) = upload(world, ("plain.png", bombs.small_png()))
    assert get_storage().read(item.stored_name) == bombs.small_png()


@pytest.mark.parametrize("name,expected", [
    ("1000000036", "1000000036.jpg"),
    ("image%3A1641", "image:1641.jpg"),
    ("%E6%B4%BB%E5%8A%A8%E7%8E%B0%E5%9C%BA.jpg", "活动现场.jpg"),
    ("活动.JPEG", "活动.JPEG"),
])
def test_phone_picker_names_are_accepted_by_content(world, name, expected):
    (item,) = upload(world, (name, jpeg_with_gps(orientation=1)))
    assert item.filename == expected and item.content_type == "image/jpeg"


def test_a_known_extension_that_contradicts_the_content_is_still_refused(world):
    with pytest.raises(ValidationFailed) as info:
        upload(world, ("合影.pdf", jpeg_with_gps()))
    assert "扩展名与内容不符" in info.value.fields["attachments"][0]


def test_iphone_heic_is_converted_to_jpeg_at_upload(world):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (250, 200, 0)).save(out, "HEIF")
    (item,) = upload(world, ("IMG_1234.HEIC", out.getvalue()))
    assert item.content_type == "image/jpeg" and item.filename == "IMG_1234.jpg"
    assert item.stored_name.endswith(".jpg")
    with Image.open(io.BytesIO(get_storage().read(item.stored_name))) as img:
        assert img.format == "JPEG" and img.size == (64, 48)


def _png_of_mode(mode: str) -> bytes:
    out = io.BytesIO()
    if mode == "I;16":
        img = Image.new("I;16", (40, 30))
        img.putdata([1000 + 100 * (i % 40) for i in range(40 * 30)])  # dark 16-bit values
    elif mode == "P":
        img = Image.new("RGB", (40, 30), (0, 128, 0)).convert("P")
    else:
        img = Image.new(mode, (40, 30))
    img.save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("mode", ["I;16", "P", "LA", "RGBA", "L", "1"])
def test_thumbnails_of_every_mode(world, mode):
    (item,) = upload(world, (f"{mode}.png", _png_of_mode(mode)))
    small = service.thumbnail(item)
    with Image.open(io.BytesIO(small)) as img:
        assert img.format == "JPEG" and img.mode in ("RGB", "L")
        if mode == "I;16":  # a 16-bit greyscale is scaled to its range, not clipped to white
            low, high = img.convert("L").getextrema()
            assert low < 40 and high > 200


def test_cmyk_jpeg_thumbnail_is_rgb():
    out = io.BytesIO()
    Image.new("CMYK", (40, 30), (0, 255, 255, 0)).save(out, "JPEG")
    photo = photos.prepare(out.getvalue(), "image/jpeg")
    with Image.open(io.BytesIO(photo.large)) as img:
        assert img.mode == "RGB"
        red, green, blue = img.getpixel((5, 5))
        assert red > 200 and green < 80 and blue < 80


def test_over_40_megapixels_is_refused_before_decoding(world, monkeypatch):
    big = bombs.png_declaring(12_000, 12_000)
    monkeypatch.setattr(Image.Image, "load", lambda self: pytest.fail("decoded"))
    with pytest.raises(ValidationFailed) as info:
        upload(world, ("huge.png", big))
    message = info.value.fields["attachments"][0]
    assert "图片像素过多" in message and "4000万像素" in message
    within_twice = bombs.png_declaring(7_000, 7_000)  # 49 MP: past the bound, within Pillow's
    with pytest.raises(ValidationFailed) as info:
        upload(world, ("big.png", within_twice))
    assert "图片像素过多（7000×7000）" in info.value.fields["attachments"][0]


def test_thumbnails_are_stored_at_upload_and_served_without_decoding(world, login, monkeypatch):
    (item,) = upload(world, ("现场.jpg", jpeg_with_gps(size=(1200, 900), orientation=1)))
    keys = service.stored_keys(item)
    assert len(keys) == 3 and all(get_storage().exists(key) for key in keys)
    monkeypatch.setattr(photos, "prepare", lambda *a: pytest.fail("decoded on a request"))
    monkeypatch.setattr(Image, "open", lambda *a, **kw: pytest.fail("decoded on a request"))
    resp = login(world.rep_a).get(f"/me/attachments/{item.id}/thumb")
    assert resp.status_code == 200 and resp.mimetype == "image/jpeg"
    assert resp.get_data() == get_storage().read(keys[1])
