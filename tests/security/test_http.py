"""Every handler through the dev server's real HTTP stack (Django's runserver, middleware, the workbench's handler
view): no input gives a 5xx, a refusal stores nothing, and two authors uploading to one block at once leave the
fields of one upload, whole."""
import json
import os
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openedxscorm.block import ScormXBlock
from tests.packages import Sco, write_package

from .devserver_http import BlockClient, devserver, multipart

# The staff handlers that read the LMS's learner tables answer 501 "unavailable" where there is no LMS, as in the
# dev server, by design (staff.needs_platform); they are left out here.
PLATFORM_ONLY = {"staff_learner_results", "staff_reset_attempt", "report_results_csv", "report_interactions_csv"}
HANDLERS = sorted(name for name in dir(ScormXBlock)
                  if getattr(getattr(ScormXBlock, name, None), "_is_xblock_handler", False)
                  and name not in PLATFORM_ONLY)
EXAMPLES = int(os.environ.get("SCORM_HTTP_FUZZ_EXAMPLES", "60"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("devserver-var")
    packages = tmp_path_factory.mktemp("no-sample-packages")
    with devserver(var_dir, packages) as port:
        yield port, var_dir


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("http-packages")
    return {title: write_package(folder / f"{title}.zip", [Sco(f"sco-{index}") for index in range(3)], title=title,
                                 files={f"media/{number:03d}.bin": os.urandom(4096) for number in range(150)})
            for title in ("Package one", "Package two")}


@pytest.fixture(scope="module")
def client(server, packages):
    port, var_dir = server
    client = BlockClient(port, var_dir)
    status, body, _headers = client.upload("first.zip", packages["Package one"].read_bytes())
    assert status == 200, body
    return client


def sha1_and_launch(client):
    fields = client.fields()
    return fields["package_sha1"], fields["package_manifest"]["resources"]["res-sco-0"]["href"]


# -- point 4's cases, each by name

def test_upload_with_a_300_character_file_name(client, packages):
    """Django's temporary upload file is named after the extension: the dev server's handler bounds it."""
    data = packages["Package one"].read_bytes()
    big = write_package(packages["Package one"].parent / "big.zip", [Sco()],
                        files={"media/blob.bin": os.urandom(3 << 20)})
    for name in ("a" * 296 + ".zip", "package." + "z" * 300):
        for payload in (data, big.read_bytes()):  # in memory, and in a temporary file (above 2.5 MB)
            status, body, _headers = client.upload(name, payload)
            assert status == 200, body
            assert len(json.loads(body)["package"]["filename"]) <= 255
    status, body, _headers = client.upload("first.zip", data)
    assert status == 200


def test_300_character_file_name_in_an_asset_path(client):
    sha1, _launch = sha1_and_launch(client)
    status, _body, _headers = client.call("assets_proxy", f"{sha1}/{'a' * 300}.html")
    assert status == 404


def test_5000_character_path_to_assets_proxy(client):
    sha1, _launch = sha1_and_launch(client)
    for path in ("x" * 5000, "d/" * 2500 + "index.html", "é" * 2500):
        status, _body, _headers = client.call("assets_proxy", f"{sha1}/{path}")
        assert status == 404


def test_range_of_a_suffix_with_5000_digits(client):
    sha1, launch = sha1_and_launch(client)
    whole_status, whole, _headers = client.call("assets_proxy", f"{sha1}/{launch}")
    status, body, _headers = client.call("assets_proxy", f"{sha1}/{launch}", headers={"Range": "bytes=-" + "9" * 5000})
    assert (whole_status, status) == (200, 200) and body == whole


def test_content_range_with_5000_digit_numbers(client):
    status, body, _headers = client.call("studio_upload_start", method="POST",
                                         body=json.dumps({"filename": "a.zip", "size": 1000}).encode())
    upload_id = json.loads(body)["upload_id"]
    form, content_type = multipart({}, {"chunk": ("blob", b"x" * 10)})
    for header in ("bytes 0-9/" + "1" * 5000, "bytes " + "0" * 5000 + "-9/1000", "bytes 0-" + "9" * 5000 + "/1000"):
        status, body, _headers = client.call("studio_upload_chunk", upload_id, method="POST", body=form,
                                             headers={"Content-Type": content_type, "Content-Range": header})
        assert status == 400 and json.loads(body)["code"] == "bad_content_range"


# -- anything else

HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=60)
HUGE_NUMBER = st.integers(min_value=0, max_value=10 ** 40).map(str) | st.just("9" * 5000)
RANGES = st.one_of(
    st.builds("bytes={}-{}".format, HUGE_NUMBER | st.just(""), HUGE_NUMBER | st.just("")),
    st.builds("bytes={}-{},{}-{}".format, HUGE_NUMBER, HUGE_NUMBER, HUGE_NUMBER, HUGE_NUMBER),
    HEADER_TEXT,
)
CONTENT_RANGES = st.builds("bytes {}-{}/{}".format, HUGE_NUMBER, HUGE_NUMBER, HUGE_NUMBER | st.just("*")) | HEADER_TEXT
DATES = st.sampled_from(["Mon, 01 Jan 2001 00:00:00 GMT", "Fri, 01 Jan 2100 00:00:00 GMT",
                         "Thu, 31 Dec 9999 23:59:59 GMT", "Sun, 00 Foo 0000 99:99:99 GMT", "*", ""]) | HEADER_TEXT
ETAGS = st.sampled_from(["*", '"x"', 'W/"x"', '"a", "b"', ""]) | HEADER_TEXT
HEADERS = st.fixed_dictionaries({}, optional={
    "Range": RANGES, "If-Range": ETAGS | DATES, "If-None-Match": ETAGS, "If-Match": ETAGS,
    "If-Modified-Since": DATES, "If-Unmodified-Since": DATES, "Content-Range": CONTENT_RANGES,
    "Content-Type": st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/plain",
                                     "multipart/form-data; boundary=xyz", "multipart/form-data"]),
})
SUFFIXES = st.one_of(
    st.text(max_size=80),
    st.text(st.sampled_from("ab./%2e\\:é"), max_size=40),
    st.just("a" * 300), st.just("b/" * 2500),
)
BODIES = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda value: json.dumps(value).encode(), st.dictionaries(
        st.sampled_from(["filename", "size", "sco", "seq", "values", "data", "state"]),
        st.none() | st.integers() | st.text(max_size=30) | st.lists(st.integers(), max_size=3), max_size=4)),
    st.sampled_from([b'{"size": 1e999}', b'{"size": "9' + b"9" * 5000 + b'"}', b'"\\ud800"', b"\xff\xfe"]),
)


# Form posts as Studio's upload forms send them: a file field (`file` for studio_submit, `chunk` for a piece) of
# generated bytes (a zip's first bytes, or none), a generated name, and display options.
ZIPPISH = st.builds(lambda head, tail: head + tail, st.sampled_from([b"", b"PK\x03\x04", b"PK\x05\x06"]),
                    st.binary(max_size=200))
FORMS = st.builds(
    lambda field, filename, data, form: multipart(form, {field: (filename, data)}),
    st.sampled_from(["file", "chunk"]), st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e,
                                                              exclude_characters='"\\'), max_size=300),
    ZIPPISH, st.dictionaries(st.sampled_from(["display_name", "width", "height", "popup_on_launch", "weight"]),
                             st.text(max_size=20), max_size=3))


def open_upload(client, size):
    """A real upload id, so that generated pieces reach the piece checks (a 200 that stores its metadata)."""
    status, body, _headers = client.call("studio_upload_start", method="POST",
                                         body=json.dumps({"filename": "f.zip", "size": size}).encode())
    assert status == 200
    return json.loads(body)["upload_id"]


# make test replays the same examples on every run, so a CI run is reproducible; a run with
# SCORM_HTTP_FUZZ_EXAMPLES set explores new ones.
EXPLORE = "SCORM_HTTP_FUZZ_EXAMPLES" in os.environ
FUZZ_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=not EXPLORE, database=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def assert_no_5xx_and_nothing_stored_on_refusal(client, handler, method, suffix, body, headers):
    fields, files = client.fields(), client.media_files()
    status, _body, _headers = client.call(handler, suffix, method=method, body=body, headers=headers)
    assert status < 500, (handler, method, suffix, headers, body[:300])
    if 400 <= status < 500:
        assert client.fields() == fields
        assert client.media_files() == files


@FUZZ_SETTINGS
@given(handler=st.sampled_from(HANDLERS), method=st.sampled_from(["GET", "POST", "HEAD", "PUT"]), suffix=SUFFIXES,
       headers=HEADERS, body=BODIES)
def test_no_handler_answers_5xx_and_a_refusal_stores_nothing(client, handler, method, suffix, headers, body):
    assert_no_5xx_and_nothing_stored_on_refusal(client, handler, method, suffix, body, headers)


@FUZZ_SETTINGS
@given(handler=st.sampled_from(["studio_submit", "studio_upload_chunk"]), form=FORMS,
       content_range=CONTENT_RANGES | st.builds("bytes 0-{}/{}".format, st.integers(0, 300), st.integers(1, 300)),
       size=st.integers(min_value=1, max_value=300))
def test_generated_uploads_and_pieces_never_answer_5xx(client, handler, form, content_range, size):
    body, content_type = form
    suffix = open_upload(client, size) if handler == "studio_upload_chunk" else ""
    assert_no_5xx_and_nothing_stored_on_refusal(client, handler, "POST", suffix, body,
                                                {"Content-Type": content_type, "Content-Range": content_range})


@pytest.mark.parametrize("handler", ["scorm_get_value", "scorm_set_values", "engine_state"])
def test_a_multipart_body_to_a_json_handler_is_refused_not_a_crash(client, handler):
    """Django's CSRF check parses a multipart POST before the block runs; its raw body is gone by then."""
    status, _body, _headers = client.call(handler, "", "POST", b"\x00",
                                          {"Content-Type": "multipart/form-data; boundary=xyz"})
    assert 400 <= status < 500


def test_a_single_value_to_a_block_19x_never_uploaded_is_refused_not_a_crash(client):
    """openedx-scorm-xblock's single-value handler answers as its batch handler does: 404 for this block."""
    status, _body, _headers = client.call("scorm_set_value", "", "POST", b"{}")
    assert status == 404


@pytest.mark.parametrize("handler", ["report_results_csv", "report_interactions_csv"])
def test_reports_that_need_the_lms_say_so_where_there_is_none(client, handler):
    """Said before the CSV starts streaming: a failure inside the stream would be a 500. Asked as course staff
    (the dev server's ``?staff=1``): a learner is refused before that."""
    status, body, _headers = client.request("GET", client.handler_path(handler, "a" * 300) + "?staff=1",
                                            headers=client.csrf_headers())
    assert status == 501 and json.loads(body)["code"] == "unavailable"
    status, body, _headers = client.call(handler, "a" * 300)
    assert status == 403 and json.loads(body)["code"] == "staff_only"


# -- point 8: two authors upload to one block at once

ROUNDS = 12


def test_two_authors_uploading_to_one_block_at_once_leave_one_upload_whole(client, packages):
    """Studio saves a block whole after its handler (update_item): the dev server does too, so the fields always
    name one package: its sha1, title and manifest together."""
    titles = {}
    for title, path in packages.items():
        status, body, _headers = client.upload(path.name, path.read_bytes())
        assert status == 200
        titles[json.loads(body)["package"]["sha1"]] = title
    def upload(title, answers):
        answers.append(client.upload(packages[title].name, packages[title].read_bytes(), display_name=title))

    for _ in range(ROUNDS):
        answers = []
        threads = [threading.Thread(target=upload, args=(title, answers)) for title in packages]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [status for status, _body, _headers in answers] == [200, 200]
        fields = client.fields()
        title = titles[fields["package_sha1"]]
        assert (fields["package_title"], fields["package_manifest"]["title"], fields["display_name"],
                fields["package_filename"]) == (title, title, title, packages[title].name)
