"""Files people send and staff download: where they are kept, what they really are, their digest,
and how they are served.

- ``private_storage()`` is the storage of every file that must not be public (form submissions,
  files kept between the steps of a form, case attachments): ``STORAGES["private"]``, outside
  ``MEDIA_ROOT`` locally and a private bucket in production. Models pass the function itself as
  ``storage=`` so the choice is made when the storage is used, not when models are imported.
- ``sniff_upload(upload)`` / ``sniff_content_type(upload)`` read the type from the file's first
  bytes, never from its name or the browser's word; the name only chooses between the formats the
  bytes cannot tell apart (``.csv`` or ``.txt`` for text, ``.docx`` or ``.zip`` for a zip).
- ``sha256_of(file)`` is the digest stored with each kept file.
- ``private_file_response(...)`` streams a kept file as a download that browsers neither sniff,
  run nor cache.
"""

from __future__ import annotations

import codecs
import hashlib
import mimetypes

import filetype
from django.core.files.storage import storages
from django.http import FileResponse, Http404
from django.utils.cache import add_never_cache_headers

# How much of a file is read to tell its type.
SNIFF_BYTES = 8192
# Formats without a signature of their own: recognised when the content is UTF-8 text.
TEXT_EXTENSIONS = frozenset({"txt", "csv", "tsv", "json", "xml", "md", "log"})
# Other spellings of one format; ``filetype`` names each format by the spelling on the right.
EXTENSION_ALIASES = {
    "jpeg": "jpg",
    "jpe": "jpg",
    "jfif": "jpg",
    "tiff": "tif",
    "heif": "heic",
    "apng": "png",
    "mpeg": "mpg",
    "mid": "midi",
    "oga": "ogg",
}
# Zip-based documents, which ``filetype`` may only recognise as a zip.
ZIP_DOCUMENTS = frozenset({"docx", "xlsx", "pptx", "odt", "ods", "odp", "epub"})
UNKNOWN_CONTENT_TYPE = "application/octet-stream"
# One content type per format (an animated PNG is still a PNG).
_CANONICAL_CONTENT_TYPES = {"png": "image/png"}
_HASH_CHUNK = 64 * 1024


def private_storage():
    """The storage of files served only after a permission check (``STORAGES["private"]``)."""
    return storages["private"]


# --- What a file really is ------------------------------------------------------------------------


def format_of_extension(extension: str) -> str:
    """``"JPEG"`` → ``"jpg"``: the name ``sniff_upload`` gives the format of such files."""
    extension = extension.strip().lstrip(".").lower()
    return EXTENSION_ALIASES.get(extension, extension)


def extension_of(file_name: str) -> str:
    """``"Scan.PDF"`` → ``"pdf"``; ``""`` for a name without one."""
    return file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""


def sniff_upload(upload) -> tuple[str | None, str]:
    """The format and content type of an upload, read from its first bytes (``filetype``),
    whatever its name says: ``("pdf", "application/pdf")``, ``("jpg", "image/jpeg")``.

    The name only decides what the bytes cannot: UTF-8 text is ``("csv", "text/csv")``, ``("json",
    "application/json")`` … when so named, else ``("txt", "text/plain")``; a zip named ``.docx``,
    ``.xlsx``, ``.odt`` … is that document. Unknown content is ``(None,
    "application/octet-stream")``. The file is rewound before and after.
    """
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    name_extension = format_of_extension(extension_of(getattr(upload, "name", None) or ""))
    kind = filetype.guess(head) if head else None
    if kind is not None:
        found = format_of_extension(kind.extension)
        if found == "zip" and name_extension in ZIP_DOCUMENTS:
            return name_extension, _content_type_of(name_extension) or kind.mime
        return found, _CANONICAL_CONTENT_TYPES.get(found, kind.mime)
    if b"\x00" not in head:
        try:
            # final=False: the first bytes may end inside a character.
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError:
            pass
        else:
            found = name_extension if name_extension in TEXT_EXTENSIONS else "txt"
            content_type = _content_type_of(found) or "text/plain"
            if not content_type.startswith("text/") and found != "json":
                content_type = "text/plain"
            return found, content_type
    return None, UNKNOWN_CONTENT_TYPE


def sniff_content_type(upload) -> str:
    """The content type an upload's bytes say it is (see ``sniff_upload``): what is stored with
    the file and sent when it is downloaded."""
    return sniff_upload(upload)[1]


def _content_type_of(extension: str) -> str | None:
    return mimetypes.guess_type(f"file.{extension}")[0]


# --- Digest ---------------------------------------------------------------------------------------


def sha256_of(file) -> str:
    """The SHA-256 of a file's whole content as 64 hex digits, read in chunks from the start; the
    file is rewound afterwards so it can be saved next."""
    digest = hashlib.sha256()
    if hasattr(file, "chunks"):  # Django's File and uploaded files (they rewind first)
        for chunk in file.chunks(_HASH_CHUNK):
            digest.update(chunk)
    else:
        file.seek(0)
        for chunk in iter(lambda: file.read(_HASH_CHUNK), b""):
            digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


# --- Download -------------------------------------------------------------------------------------


def private_file_response(
    file, *, filename: str, content_type: str, inline: bool = False
) -> FileResponse:
    """Stream a privately kept file (a ``FieldFile``) as ``filename``.

    It does **not** check who asks: the caller decides first whether the user may have this file
    (raising ``PermissionDenied`` or ``Http404``) and only then returns this response. A file
    missing from the storage is a 404.

    The response is a download (``Content-Disposition: attachment``; ``inline=True`` lets the
    browser show it), of the stored ``content_type`` (``application/octet-stream`` when there is
    none) that the browser must not second-guess (``nosniff``), sandboxed so nothing in it runs
    (``Content-Security-Policy``), and never cached.
    """
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=filename,
        content_type=content_type or UNKNOWN_CONTENT_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    add_never_cache_headers(response)
    return response
