"""Photos of student work: checked by their bytes, re-encoded without their metadata.

A photo is accepted when it is under ``EFFICACY_MAX_PHOTO_BYTES`` and its first
bytes say JPEG, PNG or PDF, whatever its name or the browser claim. An image is
decoded and encoded again by Pillow, which writes no EXIF block: the camera's
location (GPS), its serial number and the time are gone. A PDF's pages are copied
by pypdf into a new document without its metadata (the document information:
Author, Creator, Producer, dates; the XMP stream of the document and of its pages);
a PDF of more than ``MAX_PDF_PAGES`` pages, an encrypted one or one pypdf cannot
read is refused. Its size is bounded like a photo's, before it is parsed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

#: The first bytes of each accepted type.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
#: A decoded image larger than this many pixels is refused (a decompression bomb).
MAX_PIXELS = 40_000_000
#: Student work is a few pages; a longer PDF is refused before its pages are copied.
MAX_PDF_PAGES = 50


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str


def max_photo_bytes() -> int:
    return int(settings.EFFICACY_MAX_PHOTO_BYTES)


def sniff(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def photo_clean(upload: UploadedFile) -> CleanFile:
    """The file's bytes, ready to store, or a ValidationError that says what to do."""
    limit = max_photo_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _(
                "This file is %(size)s MB; a photo may be at most %(limit)s MB. Take it again at a lower resolution."
            )
            % {"size": megabytes(upload.size or 0), "limit": megabytes(limit)},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read()
    content_type = sniff(data[:8])
    if content_type is None:
        raise ValidationError(
            _(
                "This file is not a JPEG or PNG photo or a PDF. Choose a photo or a PDF of the student work."
            ),
            code="wrong_type",
        )
    if content_type == "application/pdf":
        return CleanFile(_without_pdf_metadata(data), content_type)
    return CleanFile(_reencode(data, content_type), content_type)


def _reencode(data: bytes, content_type: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("This photo has too many pixels."), code="too_large")
            # Turn the photo the way the camera held it, since the orientation tag goes too.
            upright = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if content_type == "image/jpeg":
                upright.convert("RGB").save(out, format="JPEG", quality=85)
            else:
                upright.save(out, format="PNG")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("This photo could not be read. Take it again or choose another file."),
            code="unreadable",
        ) from error
    return out.getvalue()


def _without_pdf_metadata(data: bytes) -> bytes:
    unreadable = ValidationError(
        _("This PDF could not be read. Save it again as a PDF, or take a photo of the work."),
        code="unreadable",
    )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("This PDF is protected by a password. Save it again without one."),
                code="encrypted",
            )
        if len(reader.pages) > MAX_PDF_PAGES:
            raise ValidationError(
                _(
                    "This PDF has %(n)s pages; at most %(limit)s are kept. Send the pages that matter."
                )
                % {"n": len(reader.pages), "limit": MAX_PDF_PAGES},
                code="too_large",
            )
        writer = PdfWriter()
        for page in reader.pages:
            added = writer.add_page(page)
            # A page may carry its own XMP and application data.
            for key in ("/Metadata", "/PieceInfo"):
                if key in added:
                    del added[key]
        writer.metadata = None
        out = io.BytesIO()
        writer.write(out)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise unreadable from error
    return out.getvalue()


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
