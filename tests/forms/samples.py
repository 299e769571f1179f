"""Small real files for upload tests: the builder reads their content, not their names."""

import base64
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
# The start of an HEIC photo as an iPhone writes it: enough for the content to be recognised.
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


def image_bytes(image_format: str, size=(8, 8), colour=(180, 40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, image_format)
    return buffer.getvalue()


JPEG = image_bytes("JPEG")
PNG = image_bytes("PNG")
GIF = image_bytes("GIF")
WEBP = image_bytes("WEBP")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    """A posted file; the browser's content type is deliberately unhelpful."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def drawing(size=(300, 100), *, drawn=True, background=(0, 0, 0, 0)) -> bytes:
    """A signature pad's PNG: a stroke on a transparent canvas (or nothing drawn)."""
    image = Image.new("RGBA", size, background)
    if drawn:
        ImageDraw.Draw(image).line((10, 80, 120, 20, 250, 70), fill=(17, 17, 17, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def data_url(content: bytes, media_type: str = "image/png") -> str:
    return f"data:{media_type};base64," + base64.b64encode(content).decode()


TEXT = b"Receipt 2024-05-01: one strap, 120.00 EUR\n"

# A small real file of each type an upload field may accept, by extension: the builder reads the
# content, so each is what its extension says.
SAMPLE_FILES = {
    "pdf": PDF,
    "jpg": JPEG,
    "jpeg": JPEG,
    "png": PNG,
    "gif": GIF,
    "webp": WEBP,
    "heic": HEIC,
    "heif": HEIC,
    "txt": TEXT,
    "csv": b"code,quantity\nA-1,2\n",
    "json": b'{"code": "A-1"}',
    "docx": docx_bytes(),
}


def sample_upload(extension: str):
    """A posted file of this type (``extension`` as a designer writes it: pdf, jpeg, …)."""
    extension = extension.strip().lstrip(".").lower()
    try:
        content = SAMPLE_FILES[extension]
    except KeyError:
        raise LookupError(
            f"No sample file for “.{extension}” uploads; add one to SAMPLE_FILES in "
            "tests/forms/samples.py."
        ) from None
    return upload(f"upload.{extension}", content)
