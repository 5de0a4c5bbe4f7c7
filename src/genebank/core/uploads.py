"""The upload size limit (GENEBANK_MAX_UPLOAD_MB), enforced while a file arrives.

Django caps request bodies without files (DATA_UPLOAD_MAX_MEMORY_SIZE) but not files: without
this, any upload is taken whole onto disk before a form can look at its size. A file beyond the
limit is dropped as it arrives (its bytes are read and thrown away, so that the browser gets an
answer rather than a reset connection); the request notes it, and the upload form says so.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.base import File
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# request.META key that tells the form which file was too large.
REFUSED = "genebank.upload_refused"


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_BYTES


def upload_help() -> str:
    return _("At most %(size)s.") % {"size": filesizeformat(max_upload_bytes())}


def refused_upload(request: HttpRequest) -> str | None:
    """The name of the file the handler dropped from this request for its size, if any."""
    return request.META.get(REFUSED)


def clean_upload(file: File | None, refused: str | None = None) -> File | None:
    """Every upload form's one size rule: a file the handler dropped (refused: its name), or one
    larger than the limit (a form used without the handler), is refused with its name and the
    limit."""
    limit = max_upload_bytes()
    if refused is None and file is not None and file.size > limit:
        refused = file.name or ""
    if refused is not None:
        raise forms.ValidationError(
            _("%(file)s is larger than %(size)s, the largest file an upload may be."),
            params={"file": refused, "size": filesizeformat(limit)},
            code="too_large",
        )
    return file


class SizeLimitUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: counts each file's bytes and stops at the limit."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            assert self.request is not None  # Django gives every upload handler the request
            self.request.META[REFUSED] = self.file_name
            # Ends the upload; the rest of the body is read and discarded, nothing kept.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers keep the file
