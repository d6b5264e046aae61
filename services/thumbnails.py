"""Photo thumbnails of activity attachments (Pillow): a JPEG no larger than 320 × 240, made from the
stored image when asked. Only images have one; access is the caller's business (the routes apply
the same rules as for the attachment itself)."""
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

from models import Attachment
from services import attachments as attachment_service

SIZE = (320, 240)
IMAGE_TYPES = ("image/jpeg", "image/png")


def is_image(attachment: Attachment) -> bool:
    return attachment.content_type in IMAGE_TYPES


def thumbnail(attachment: Attachment) -> bytes | None:
    """The JPEG bytes of the attachment's thumbnail, or None when it is not a readable image."""
    if not is_image(attachment):
        return None
    try:
        with Image.open(attachment_service.path_of(attachment)) as img:
            img = ImageOps.exif_transpose(img)  # phone photos: upright as taken
            img.thumbnail(SIZE)
            if img.mode not in ("RGB", "L"):
                background = Image.new("RGB", img.size, "white")
                background.paste(img, mask=img.convert("RGBA").split()[-1])
                img = background
            out = BytesIO()
            img.save(out, "JPEG", quality=80, optimize=True)
            return out.getvalue()
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        return None
