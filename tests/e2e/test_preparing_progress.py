"""While a package is being prepared (re-extracted after a course move), the learner's page shows how far the
server's extraction is, then plays it: the real student view and student.js in Chromium, its status polls
answered by the test."""
import json

from openedxscorm import rehydrate
from openedxscorm_support.block_runtime import make_block

ORIGIN = "http://scorm-view.test"
ANSWERS = (
    {"state": "preparing", "message": "", "progress": {"files_done": 1, "files_total": 4, "bytes_done": 250,
                                                       "bytes_total": 1000}},
    {"state": "ready", "message": "", "progress": None},
)


def preparing_page(monkeypatch):
    """A standalone page holding the block's student view while its package is being prepared."""
    block = make_block()
    block.package_sha1 = "a" * 40
    monkeypatch.setattr(type(block), "launch_items", lambda self: [object()])
    monkeypatch.setattr(type(block), "tree_status", lambda self, settings: rehydrate.PREPARING)
    fragment = block.student_view()
    script = "".join(resource.data for resource in fragment.resources
                     if resource.kind == "text" and resource.mimetype == "application/javascript")
    return (f'<!DOCTYPE html><html><body><div id="root">{fragment.content}</div><script>{script}</script>'
            "<script>ScormStudentView({handlerUrl: function (element, name) { return '/' + name; }},"
            " document.getElementById('root'));</script></body></html>")


def test_learner_page_shows_extraction_progress_then_plays(chromium, monkeypatch, storage):  # noqa: ARG001
    html = preparing_page(monkeypatch)
    served = []

    def answer(route):
        if route.request.url.endswith("/package_status"):
            served.append(ANSWERS[min(len(served), len(ANSWERS) - 1)])
            return route.fulfill(status=200, content_type="application/json", body=json.dumps(served[-1]))
        if route.request.url.endswith("/view"):
            return route.fulfill(status=200, content_type="text/html", body=html)
        return route.fulfill(status=204)

    context = chromium.new_context()
    try:
        page = context.new_page()
        page.route(f"{ORIGIN}/**", answer)
        page.goto(f"{ORIGIN}/view")
        assert page.locator(".scorm-preparing-progress").get_attribute("hidden") is not None  # nothing known yet
        page.wait_for_function("() => { var bar = document.querySelector('.scorm-preparing-progress');"
                               " return bar && !bar.hidden && bar.value === 0.25; }", timeout=10000)
        page.wait_for_function("() => !document.querySelector('.scorm-preparing-progress')"
                               " && !document.querySelector('.scorm-preparing')", timeout=10000)
        assert [entry["state"] for entry in served] == ["preparing", "ready"]
    finally:
        context.close()
