"""Private files (``project.core.files``): where they are kept, what their bytes say they are,
their SHA-256, and how they are served."""

import hashlib
import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.http import Http404

from forms.models import SubmissionFile
from project.core.files import (
    SNIFF_BYTES,
    private_file_response,
    private_storage,
    sha256_of,
    sniff_content_type,
    sniff_upload,
)
from tests.forms.samples import EXE, GIF, HEIC, JPEG, PDF, PNG, WEBP, docx_bytes


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    # The browser's word is deliberately wrong: the sniffer must not read it.
    return SimpleUploadedFile(name, content, content_type="image/png")


# --- Storage ---------------------------------------------------------------------------------


def test_private_storage_is_the_configured_private_one_outside_media():
    storage = private_storage()

    assert storage is storages["private"]
    assert storage.location == str(settings.PRIVATE_MEDIA_ROOT)
    assert not storage.location.startswith(str(settings.MEDIA_ROOT))


# --- What a file really is -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("scan.png", PNG, ("png", "image/png")),
        ("photo.jpg", JPEG, ("jpg", "image/jpeg")),
        ("contract.pdf", PDF, ("pdf", "application/pdf")),
        ("anim.gif", GIF, ("gif", "image/gif")),
        ("photo.webp", WEBP, ("webp", "image/webp")),
        ("IMG_0001.HEIC", HEIC, ("heic", "image/heic")),
        # The name says nothing: the content decides.
        ("no-extension", PDF, ("pdf", "application/pdf")),
        ("photo.txt", PNG, ("png", "image/png")),
    ],
)
def test_the_type_is_read_from_the_content(name, content, expected):
    assert sniff_upload(upload(name, content)) == expected
    assert sniff_content_type(upload(name, content)) == expected[1]


def test_a_jpg_that_is_really_a_program_is_not_an_image():
    found, content_type = sniff_upload(upload("holiday.jpg", EXE))

    assert found == "exe"
    assert not content_type.startswith("image/")


def test_a_jpg_that_is_really_a_pdf_is_a_pdf():
    assert sniff_content_type(upload("holiday.jpg", PDF)) == "application/pdf"


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "Nothing here says what the archive is.")
    return buffer.getvalue()


def test_a_word_document_is_recognised_by_its_content():
    assert sniff_upload(upload("contract.docx", docx_bytes())) == ("docx", DOCX)
    assert sniff_upload(upload("contract.pdf", docx_bytes())) == ("docx", DOCX)


def test_a_zip_the_bytes_cannot_tell_apart_is_the_document_its_name_says_or_a_zip():
    content = plain_zip()
    assert sniff_upload(upload("archive.zip", content)) == ("zip", "application/zip")

    assert sniff_upload(upload("prices.ods", content)) == (
        "ods",
        "application/vnd.oasis.opendocument.spreadsheet",
    )
    assert sniff_upload(upload("report.docx", content)) == ("docx", DOCX)
    assert sniff_upload(upload("photo.jpg", content)) == ("zip", "application/zip")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("prices.csv", ("csv", "text/csv")),
        ("notes.txt", ("txt", "text/plain")),
        ("notes", ("txt", "text/plain")),
        ("data.json", ("json", "application/json")),
        ("photo.jpg", ("txt", "text/plain")),  # text is text, whatever the name
    ],
)
def test_utf8_text_is_named_by_its_extension_only_among_text_formats(name, expected):
    assert sniff_upload(upload(name, "code,quantité\nA-1,2\n".encode())) == expected


def test_text_whose_sniffed_part_ends_inside_a_character_is_still_text():
    content = b"a" * (SNIFF_BYTES - 1) + "é".encode()  # the é straddles the limit

    assert sniff_content_type(upload("long.txt", content)) == "text/plain"


@pytest.mark.parametrize("content", [b"\xff\xfe\x00garbage\x00", b"\x00\x01\x02\x03", b"\xc3\x28"])
def test_unknown_or_binary_content_is_octet_stream(content):
    assert sniff_upload(upload("mystery.png", content)) == (None, "application/octet-stream")


def test_sniffing_leaves_the_file_at_its_start():
    file = upload("scan.pdf", PDF)
    file.read(5)

    sniff_upload(file)

    assert file.tell() == 0
    assert file.read() == PDF


# --- Digest ----------------------------------------------------------------------------------


def test_sha256_is_the_hex_digest_of_the_whole_content_and_rewinds():
    content = bytes(range(256)) * 1000  # several chunks
    file = SimpleUploadedFile("big.bin", content)
    file.read(10)

    digest = sha256_of(file)

    assert digest == hashlib.sha256(content).hexdigest()
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert file.tell() == 0


def test_sha256_reads_a_temporary_upload_and_a_plain_file_alike():
    content = PDF * 5000
    temporary = TemporaryUploadedFile("scan.pdf", "application/pdf", len(content), None)
    temporary.write(content)
    plain = io.BytesIO(content)
    plain.seek(100)

    expected = hashlib.sha256(content).hexdigest()
    assert sha256_of(temporary) == expected
    assert sha256_of(plain) == expected
    assert plain.tell() == 0
    temporary.close()


# --- Download --------------------------------------------------------------------------------


@pytest.fixture
def stored_file():
    name = private_storage().save("tests/core/receipt.pdf", ContentFile(PDF))
    file = SubmissionFile(file=name).file
    yield file
    file.close()
    private_storage().delete(name)


def test_the_download_is_an_attachment_never_sniffed_run_or_cached(stored_file):
    response = private_file_response(
        stored_file, filename="Reçu de mars.pdf", content_type="application/pdf"
    )

    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Re%C3%A7u%20de%20mars.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "must-revalidate", "private"} <= cache_control
    assert "Expires" in response


def test_an_inline_download_keeps_the_protections(stored_file):
    response = private_file_response(
        stored_file, filename="receipt.pdf", content_type="application/pdf", inline=True
    )

    assert response["Content-Disposition"] == 'inline; filename="receipt.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_file_without_a_stored_type_downloads_as_bytes(stored_file):
    response = private_file_response(stored_file, filename="receipt.pdf", content_type="")

    assert response["Content-Type"] == "application/octet-stream"


def test_a_file_missing_from_the_storage_is_not_found():
    missing = SubmissionFile(file="tests/core/gone.pdf").file

    with pytest.raises(Http404):
        private_file_response(missing, filename="gone.pdf", content_type="application/pdf")
