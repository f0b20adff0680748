"""A Django upload handler for sites where authors may send file names no file system holds.

Django's TemporaryFileUploadHandler names its temporary file after the upload's extension
(``tmpXXXXXXXX.upload<extension>``); an extension of some 240 characters makes that name too long for the file
system, and the request fails with a 500 while Django parses it, before any view or block runs. This handler
shortens such an extension first; every other upload is handled exactly as Django does.

    FILE_UPLOAD_HANDLERS = [
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "openedxscorm.upload_handlers.BoundedNameUploadHandler",
    ]
"""
import os

from django.core.files.uploadhandler import TemporaryFileUploadHandler

# What the extension of an uploaded file's name is cut to; the temporary file's name stays well under 255 bytes.
MAX_EXTENSION_CHARACTERS = 100


def bounded_file_name(file_name):
    """The name with its extension cut to MAX_EXTENSION_CHARACTERS (the rest of the name is Django's to cut)."""
    stem, extension = os.path.splitext(file_name or "")
    return stem + extension[:MAX_EXTENSION_CHARACTERS]


class BoundedNameUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file upload handler, for names whose extension would make the temporary file's too long."""

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, bounded_file_name(file_name), *args, **kwargs)
