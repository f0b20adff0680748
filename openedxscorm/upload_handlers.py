"""A Django upload handler for Studio: large uploads kept in the block's spool folder, under names of bounded length.

Django's TemporaryFileUploadHandler writes an upload above FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file named
after the upload's extension (``tmpXXXXXXXX.upload<extension>``), in FILE_UPLOAD_TEMP_DIR. Two things go wrong
with hostile or unlucky uploads:

- an extension of some 240 characters makes that name too long for the file system, and the request fails with
  a 500 while Django parses it, before any view or block runs;
- a worker killed while it holds the file (a 400 MB package being extracted) leaves it there for good.

This handler cuts such an extension short and keeps the file in the spool folder (openedxscorm.package.spool),
locked while the request holds it, so the next sweep removes it once its process is gone. Every other upload is handled
exactly as Django does::

    FILE_UPLOAD_HANDLERS = [
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "openedxscorm.upload_handlers.BoundedNameUploadHandler",
    ]
"""
import fcntl
import os
import tempfile

from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from .package.spool import spool_folder

# What the extension of an uploaded file's name is cut to; the temporary file's name stays well under 255 bytes.
MAX_EXTENSION_CHARACTERS = 100


def bounded_file_name(file_name):
    """The name with its extension cut to MAX_EXTENSION_CHARACTERS (the rest of the name is Django's to cut)."""
    stem, extension = os.path.splitext(file_name or "")
    return stem + extension[:MAX_EXTENSION_CHARACTERS]


class SpooledUploadedFile(TemporaryUploadedFile):
    """Django's temporary uploaded file, made in the spool folder and locked until it is closed (then removed)."""

    def __init__(self, name, content_type, size, charset, content_type_extra=None):  # pylint: disable=super-init-not-called
        _stem, extension = os.path.splitext(name)
        file = tempfile.NamedTemporaryFile(prefix="request-", suffix=".upload" + extension,  # noqa: SIM115
                                           dir=spool_folder())
        fcntl.flock(file.fileno(), fcntl.LOCK_EX)
        UploadedFile.__init__(self, file, name, content_type, size, charset, content_type_extra)


class BoundedNameUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file upload handler, with bounded names and files in the spool folder."""

    def new_file(self, field_name, file_name, *args, **kwargs):
        super(TemporaryFileUploadHandler, self).new_file(  # pylint: disable=bad-super-call  # not its file
            field_name, bounded_file_name(file_name), *args, **kwargs)
        self.file = SpooledUploadedFile(self.file_name, self.content_type, 0, self.charset, self.content_type_extra)
