"""One SCORM block's field values as the LMS keeps them, in a JSON file both blocks read and write.

Authored scopes (settings, content) are shared by every learner; user_state is kept per learner id, as the
courseware's StudentModule rows are. openedx-scorm-xblock 19.0.5 (in its own virtualenv) and this block open the
same file: that is the database a site keeps when it switches from one package to the other. Only XBlock is
imported here, since both interpreters load this module.
"""
import json
from pathlib import Path

from xblock.field_data import FieldData
from xblock.fields import Scope

AUTHORED = {Scope.settings: "settings", Scope.content: "content"}


def empty_store():
    return {"settings": {}, "content": {}, "user_state": {}, "other": {}}


def load(path):
    path = Path(path)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else empty_store()


def dump(store, path):
    Path(path).write_text(json.dumps(store, indent=1, sort_keys=True), encoding="utf-8")


class StoreFieldData(FieldData):
    """The field data of one learner's view of the block (user_id None: Studio, authored fields only)."""

    def __init__(self, store, user_id):
        super().__init__()
        self.store = store
        self.user_id = None if user_id is None else str(user_id)

    def _values(self, block, name):
        scope = block.fields[name].scope
        if scope in AUTHORED:
            return self.store[AUTHORED[scope]]
        if scope == Scope.user_state:
            if self.user_id is None:
                raise KeyError(name)
            return self.store["user_state"].setdefault(self.user_id, {})
        return self.store["other"]

    def get(self, block, name):
        return self._values(block, name)[name]

    def set(self, block, name, value):
        self._values(block, name)[name] = value

    def delete(self, block, name):
        del self._values(block, name)[name]

    def has(self, block, name):
        try:
            return name in self._values(block, name)
        except KeyError:
            return False
