"""The dev server's tracking log: every event a block publishes, one JSON line each in ``<var>/tracking.log``.

Each line has the shape the LMS's tracker (eventtracking) hands to event-routing-backends: name, timestamp,
context (course, organization, user) and data, so a session played locally can be fed to the xAPI transformers.
"""
import json
import threading
from datetime import datetime, timezone

from django.conf import settings

_WRITING = threading.Lock()  # the dev server answers requests in threads; a line is written whole


def tracking_event(runtime, block, name, data):
    course = getattr(block.scope_ids.usage_id, "context_key", None)
    context = {"user_id": runtime.user_id, "username": runtime.user_id, "event_source": "server"}
    if course is not None:
        context.update(course_id=str(course), org_id=course.org)
    return {"name": name, "timestamp": datetime.now(timezone.utc).isoformat(), "context": context, "data": data}


def append(event):
    line = json.dumps(event, default=str) + "\n"
    with _WRITING, open(settings.SCORM_TRACKING_LOG, "a", encoding="utf-8") as log_file:
        log_file.write(line)
