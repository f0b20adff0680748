"""Small bodies go to S3 without "Expect: 100-continue" (one round trip less per object); large parts keep it.

botocore adds the header before every body; the block's writer drops it under s3.EXPECT_CONTINUE_MIN_BYTES. The
requests are caught just before they leave (botocore's last event), so no server is needed to see their headers.
"""
import io

import pytest

from openedxscorm import s3
from tests.s3.conftest import make_s3_storage

# A port nothing listens on: every request is stopped before it is sent.
NOWHERE = "http://127.0.0.1:9"


class Stopped(Exception):
    """Raised by the catcher, so that nothing is sent."""


@pytest.fixture
def writer(monkeypatch):
    monkeypatch.setattr(s3, "EXPECT_CONTINUE_MIN_BYTES", 64 * 1024)
    storage = make_s3_storage(NOWHERE, "no-such-bucket")
    return s3.S3Writer(storage, 5 * 1024 * 1024)


def sent_headers(writer, operation, call):
    """The headers of the first `operation` request `call` makes."""
    seen = []

    def catch(request, **_kwargs):
        seen.append(dict(request.headers))
        raise Stopped

    writer.client.meta.events.register(f"before-send.s3.{operation}", catch)
    try:
        with pytest.raises(Stopped):
            call()
    finally:
        writer.client.meta.events.unregister(f"before-send.s3.{operation}", catch)
    return seen[0]


def test_a_small_object_is_sent_without_waiting_for_100_continue(writer):
    headers = sent_headers(writer, "PutObject", lambda: writer.put_bytes("scorm/a/index.html", b"<p>x</p>" * 100))
    assert "Expect" not in headers
    assert int(headers["Content-Length"]) == 800


def test_a_body_at_the_limit_keeps_100_continue(writer):
    body = b"m" * (64 * 1024)
    headers = sent_headers(writer, "PutObject", lambda: writer.put_stream("scorm/a/clip.mp4", io.BytesIO(body),
                                                                           len(body)))
    assert headers.get("Expect") in (b"100-continue", "100-continue")


def test_a_second_writer_on_the_same_client_still_sends_small_bodies_at_once(writer):
    again = s3.S3Writer(writer.storage, 5 * 1024 * 1024)  # the storage's client, registered a second time
    assert again.client is writer.client
    headers = sent_headers(again, "PutObject", lambda: again.put_bytes("scorm/a/b.js", b"var b;"))
    assert "Expect" not in headers
