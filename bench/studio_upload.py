"""Worker: a zip uploaded through this block's Studio handlers, as the Studio form sends it.

`python -m bench.studio_upload ZIP local MEDIA_ROOT` (a FileSystemStorage) or
`python -m bench.studio_upload ZIP s3 ENDPOINT BUCKET` (django-storages' S3Storage on the benchmark's moto server).

The form asks `studio_upload_start` for an upload, sends the zip in pieces of UPLOAD_CHUNK_SIZE to
`studio_upload_chunk` (each piece is stored in the package storage; the last one joins them on local disk, hashes,
checks and extracts the package, keeps the zip beside its tree, and mirrors it when the mirror is on), then posts its
other fields to `studio_submit`. Everything the author waits for once the bytes have crossed the network is timed:
every handler call, one after another, on a real ScormXBlock (XBlock's test runtime with the settings, user and i18n
services). The pieces are cut from the zip into files before the clock starts, because Django's upload handler has
written each request's body to disk before any handler sees it (upstream's `studio_submit` is given its zip the same
way). BENCH_OURS_SETTINGS (JSON) overrides XBLOCK_SETTINGS["ScormXBlock"] keys, e.g. {"EXTRACT_WORKERS": 4}.

Reported to the parent: seconds (the whole path), last_piece_seconds (the last piece's request, which prepares the
package), the peak memory and the package's sha1.
"""
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from webob import Request

# XBLOCK_SETTINGS["ScormXBlock"] overrides as JSON, to try other chunk sizes or worker counts.
SETTINGS_ENV = "BENCH_OURS_SETTINGS"
# What the Studio form posts to studio_submit once the package is in (its display and grading fields).
FORM_FIELDS = {"display_name": "Benchmark", "width": "", "height": "", "frame_size": "16:9", "weight": "1",
               "has_score": "true"}
COPY_CHUNK = 1024 * 1024


def configure_storage(kind, *args):
    """Django settings for a local MEDIA_ROOT or for a bucket of the moto server."""
    if kind == "s3":
        from .s3_settings import configure_django  # pylint: disable=import-outside-toplevel

        configure_django(*args)
    else:
        from .local_settings import configure_django  # pylint: disable=import-outside-toplevel

        configure_django(*args)


def cut_pieces(zip_path, piece_size, folder):
    """The zip cut into files of piece_size bytes: [(first byte, last byte, path)]."""
    pieces = []
    with open(zip_path, "rb") as source:
        while data := source.read(piece_size):
            start = pieces[-1][1] + 1 if pieces else 0
            path = Path(folder) / f"piece-{start:015d}"
            path.write_bytes(data)
            pieces.append((start, start + len(data) - 1, path))
    return pieces


def piece_request(handle, start, end, size):
    """A studio_upload_chunk request as the handler reads it once Django has parsed the form: the piece's file
    under `chunk`, and its Content-Range."""
    return SimpleNamespace(method="POST", POST={"chunk": SimpleNamespace(file=handle, filename="blob")},
                           headers={"Content-Range": f"bytes {start}-{end}/{size}"})


def upload(block, zip_path, pieces, handles):
    """Start, send every piece, submit the form; returns (last piece's answer, its seconds)."""
    size = os.path.getsize(zip_path)
    started = block.handle("studio_upload_start", Request.blank(
        "/", method="POST", body=json.dumps({"filename": Path(zip_path).name, "size": size}).encode()))
    upload_id = started.json["upload_id"]
    answer, last_seconds = None, 0.0
    for (start, end, _path), handle in zip(pieces, handles, strict=True):
        piece_start = time.perf_counter()
        answer = block.handle("studio_upload_chunk", piece_request(handle, start, end, size), upload_id)
        last_seconds = time.perf_counter() - piece_start
        if answer.status_code != 200:
            raise SystemExit(f"piece {start}-{end} refused: {answer.status_code} {answer.body!r}")
    submitted = block.handle("studio_submit", Request.blank("/", POST=FORM_FIELDS))
    if submitted.status_code != 200:
        raise SystemExit(f"studio_submit refused: {submitted.body!r}")
    return answer, last_seconds


def main(zip_path, kind, *storage_args):
    configure_storage(kind, *storage_args)
    # pylint: disable=import-outside-toplevel
    from openedxscorm.settings import merged_settings
    from openedxscorm_support.block_runtime import make_block

    from .measure import peak_rss_mib, print_report

    overrides = json.loads(os.environ.get(SETTINGS_ENV) or "{}")
    block = make_block(**overrides)
    storage = block.package_tree().storage
    if kind == "s3":
        storage.connection  # noqa: B018  (the client is made before timing, as in a running Studio)
    piece_size = merged_settings(overrides)["UPLOAD_CHUNK_SIZE"]
    with tempfile.TemporaryDirectory(prefix="bench-pieces-") as folder:
        pieces = cut_pieces(zip_path, piece_size, folder)
        handles = [open(path, "rb") for _start, _end, path in pieces]  # noqa: SIM115  # pylint: disable=consider-using-with
        try:
            start = time.perf_counter()
            answer, last_seconds = upload(block, zip_path, pieces, handles)
            seconds = time.perf_counter() - start
        finally:
            for handle in handles:
                handle.close()
    if answer.json.get("state") != "done" or not block.package_tree().is_complete():
        raise SystemExit(f"the upload did not give a complete package: {answer.body!r}")
    print_report(seconds=seconds, last_piece_seconds=last_seconds, pieces=len(pieces), peak_rss_mib=peak_rss_mib(),
                 sha1=block.package_sha1)


if __name__ == "__main__":
    main(*sys.argv[1:])
