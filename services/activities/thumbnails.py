"""Photo thumbnails of activity attachments (Pillow): a JPEG no larger than 320 × 240 (or the size
asked), made from the stored image — local folder or object store (services/storage) — when asked.
Only images have one; access is the caller's business (the routes apply the same rules as for the
attachment itself). The 台账 (services/records/ledger.py) uses the same function at a larger size."""
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

from models import Attachment
from services.storage import get_storage

SIZE = (320, 240)
IMAGE_TYPES = ("image/jpeg", "image/png")


def is_image(attachment: Attachment) -> bool:
    return attachment.content_type in IMAGE_TYPES


def thumbnail(attachment: Attachment, size: tuple[int, int] = SIZE) -> bytes | None:
    """The JPEG bytes of the attachment's thumbnail (at most `size` px), or None when it is not an
    image, its file is missing or Pillow cannot read it. An unreachable object store raises
    services.storage.StorageError (503)."""
    if not is_image(attachment):
        return None
    try:
        data = get_storage().read(attachment.stored_name)
    except FileNotFoundError:  # MissingObject: the row outlived its file
        return None
    try:
        with Image.open(BytesIO(data)) as img:
            img = ImageOps.exif_transpose(img)  # phone photos: upright as taken
            img.thumbnail(size)
            if img.mode not in ("RGB", "L"):
                background = Image.new("RGB", img.size, "white")
                background.paste(img, mask=img.convert("RGBA").split()[-1])
                img = background
            out = BytesIO()
            img.save(out, "JPEG", quality=80, optimize=True)
            return out.getvalue()
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        return None
