"""Files a cylinder has: QR images and label sheets, through Django's storage API (local or S3).

QR images are named after the payload they encode, so a stored image is never stale: a reprint
makes a new payload and so a new file, and the old payload's images are deleted once the reprint has
committed (by a task: on S3 that is a request per file, too slow for the admin's answer)."""

import io

import segno
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

QR_DIR = "cylinders/qr"
CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def render_qr(qr_code: str, kind: str) -> bytes:
    buffer = io.BytesIO()
    # Error correction M survives a scuffed label; the payload fits the alphanumeric mode.
    segno.make_qr(qr_code, error="m").save(buffer, kind=kind, scale=8, border=4)
    return buffer.getvalue()


def _name(qr_code: str, kind: str) -> str:
    return f"{QR_DIR}/{qr_code}.{kind}"


def qr_image(*, qr_code: str, kind: str) -> tuple[bytes, str]:
    """(image bytes, content type), rendered once and then read from storage."""
    name = _name(qr_code, kind)
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored:
            return stored.read(), CONTENT_TYPES[kind]
    content = render_qr(qr_code, kind)
    default_storage.save(name, ContentFile(content))
    return content, CONTENT_TYPES[kind]


def qr_images_delete(*, qr_codes: list[str]) -> None:
    """Delete the stored images of payloads no cylinder carries any more (a missing one is no error)."""
    for qr_code in qr_codes:
        for kind in CONTENT_TYPES:
            default_storage.delete(_name(qr_code, kind))
