"""No accepted commit is lost when one learner's two tabs commit at the same moment, to different SCOs or to the same
SCO, and a SCO's state follows its commits' `seq`: 100 rounds through the LMS-shaped handler path (a block built per
request on shared field data, threads, the test database) and through the dev server's real HTTP stack."""
import http.cookiejar
import json
import re
import threading
import urllib.request

import pytest
from django.db import connection
from webob import Request
from xblock.fields import ScopeIds
from xblock.runtime import DictKeyValueStore, KvsFieldData

from openedxscorm.block import ScormXBlock
from openedxscorm_support.block_runtime import BlockTestRuntime, course_key
from openedxscorm_support.devserver_process import running_dev_server
from tests.packages import fixture_folder, fixture_zip
from tests.test_block import upload_request

ROUNDS = 100
PACKAGE = "multi-1.2.zip"  # three SCOs: sco-1, sco-2, sco-3
LOCATION, SUSPEND = "cmi.core.lesson_location", "cmi.suspend_data"
# (SCO of tab one, SCO of tab two): different SCOs, then the same one from two pages.
PAIRS = {"different_scos": ("sco-1", "sco-2"), "same_sco": ("sco-1", "sco-1")}


def play_rounds(post, read_scos, tabs, rounds=ROUNDS):
    """Each round, every tab commits one value of its own at once (a barrier releases them together); then the
    stored states must hold every value answered "stored", and each SCO's seq must be the highest seq stored.
    `tabs`: [(page, sco, element, label)]. Returns how many commits were stored and ignored."""
    counts = {"stored": 0, "ignored": 0}
    for number in range(rounds):
        barrier, answers = threading.Barrier(len(tabs)), [None] * len(tabs)

        def send(index, number=number, barrier=barrier, answers=answers):
            page, _sco, element, label = tabs[index]
            seq = number * len(tabs) + index + 1
            barrier.wait()
            answers[index] = (seq, post(page, seq, [[element, f"{label}-{number}"]]))

        threads = [threading.Thread(target=send, args=(index,)) for index in range(len(tabs))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        scos = read_scos()
        highest = {}
        for (_page, sco, element, label), (seq, (status, body)) in zip(tabs, answers, strict=True):
            assert status == 200, (number, label, status, body)
            counts[body["result"]] += 1
            stored = scos[sco]
            if body["result"] == "stored":
                assert stored["data"][element] == f"{label}-{number}", (number, label, stored)
                highest[sco] = max(highest.get(sco, 0), seq)
            else:  # a commit another one overtook with a higher seq: never applied over it
                assert body["result"] == "ignored" and stored["seq"] > seq, (number, label, stored)
        for sco, seq in highest.items():
            assert scos[sco]["seq"] == seq, (number, sco, scos[sco]["seq"], seq)
    return counts


# -- the LMS-shaped handler path ------------------------------------------------------------------------------

class Classroom:
    """One block on shared field data; every request builds the learner's block anew, as the LMS does."""

    def __init__(self):
        self.field_data = KvsFieldData(DictKeyValueStore())
        self.usage_id = course_key().make_usage_key("scorm", "concurrent")
        assert self.block("author").handle("studio_submit", upload_request(fixture_zip(PACKAGE))).status_code == 200

    def block(self, user_id):
        runtime = BlockTestRuntime(field_data=self.field_data)
        return runtime.construct_xblock_from_class(ScormXBlock, ScopeIds(user_id, "scorm", self.usage_id,
                                                                         self.usage_id))

    def page(self, user_id, sco):
        """The commit URL's query of a launcher page showing `sco`."""
        response = self.block(user_id).handle("launcher", Request.blank(f"/?nav=%7Btarget={sco}%7Dchoice"))
        launch = json.loads(re.search(r'id="scorm-launch" type="application/json">(.*?)</script>', response.text,
                                      re.S).group(1))
        assert launch["sco"] == sco
        return launch["commitUrl"].split("?", 1)[1]

    def post(self, user_id):
        def post(page, seq, changes):
            try:
                body = json.dumps({"seq": seq, "changes": changes}).encode()
                response = self.block(user_id).handle("scorm_commit", Request.blank(
                    f"/?{page}", method="POST", body=body, content_type="application/json"))
                return response.status_code, response.json
            finally:
                connection.close()  # each request thread has its own database connection
        return post


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("pair", sorted(PAIRS))
def test_two_tabs_through_the_handler_path_lose_nothing(storage, pair):  # noqa: ARG001
    classroom = Classroom()
    first, second = PAIRS[pair]
    tabs = [(classroom.page("ada", first), first, LOCATION, "tab1"),
            (classroom.page("ada", second), second, SUSPEND, "tab2")]
    counts = play_rounds(classroom.post("ada"), lambda: classroom.block("ada").stored_version().scos, tabs)
    assert counts["stored"] + counts["ignored"] == 2 * ROUNDS
    if pair == "different_scos":
        assert counts["ignored"] == 0
    assert counts["stored"] >= ROUNDS


# -- the dev server ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dev_server(tmp_path_factory):
    """The dev server (runserver, threaded) with the fixture package preloaded."""
    with running_dev_server(tmp_path_factory.mktemp("concurrent-var"), fixture_folder([PACKAGE])) as base_url:
        yield base_url


class Browser:
    """One learner's cookies (the CSRF token the dev server checks) and the pages they opened."""

    def __init__(self, base_url, learner):
        self.base_url, self.learner = base_url, learner
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        index = self.get("/")
        scenario = next(href for href, text in re.findall(r'<a href="([^"]+)">([^<]*)</a>', index)
                        if "Three lessons 1.2" in text or PACKAGE in text)
        page = self.get(f"{scenario}?student={learner}")
        self.launcher = re.search(r'<iframe[^>]*\ssrc="([^"]+)"', page).group(1).replace("&amp;", "&")
        self.csrf = next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def get(self, path):
        with self.opener.open(self.base_url + path if path.startswith("/") else path, timeout=60) as response:
            return response.read().decode("utf-8")

    def page(self, sco):
        separator = "&" if "?" in self.launcher else "?"
        html = self.get(f"{self.launcher}{separator}nav=%7Btarget%3D{sco}%7Dchoice")
        launch = json.loads(re.search(r'id="scorm-launch" type="application/json">(.*?)</script>', html, re.S)
                            .group(1))
        assert launch["sco"] == sco
        return launch["commitUrl"]

    def post(self, url, seq, changes):
        body = json.dumps({"seq": seq, "changes": changes}).encode()
        request = urllib.request.Request(self.base_url + url, data=body, method="POST", headers={
            "Content-Type": "application/json", "X-CSRFToken": self.csrf})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def scos(self):
        state = json.loads(self.get(self.launcher.replace("/launcher", "/learner_state", 1)))
        return {sco: {"data": entry["data"], "seq": entry["seq"]} for sco, entry in state["scos"].items()}


@pytest.mark.parametrize("pair", sorted(PAIRS))
def test_two_tabs_through_the_dev_server_lose_nothing(dev_server, pair):
    browser = Browser(dev_server, f"tabs-{pair}")
    first, second = PAIRS[pair]
    tabs = [(browser.page(first), first, LOCATION, "tab1"), (browser.page(second), second, SUSPEND, "tab2")]
    counts = play_rounds(browser.post, browser.scos, tabs)
    assert counts["stored"] + counts["ignored"] == 2 * ROUNDS
    if pair == "different_scos":
        assert counts["ignored"] == 0
