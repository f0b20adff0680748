"""Errors and warnings for authors and operators: a code, its parameters, and a translatable message from a table."""


def gettext_noop(text):
    """Mark a message for extraction; it is translated when shown, by the caller's gettext."""
    return text


class CodedMessage:
    """A code from the subclass's MESSAGES table (code -> message with %(name)s fields) and its parameters."""

    MESSAGES = {}
    KINDS = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        CodedMessage.KINDS[cls.__name__] = cls

    def _set_code(self, code, params):
        if code not in self.MESSAGES:
            raise KeyError(f"unknown {type(self).__name__} code {code!r}")
        self.code = code
        self.params = params

    def render(self, gettext=None):
        """The message in the reader's language (gettext from the XBlock i18n service), English without one."""
        return format_message(self.MESSAGES[self.code], self.params, gettext)

    def to_dict(self):
        """Plain data, so a block field can keep the finding and render it later in the viewer's language."""
        return {"kind": type(self).__name__, "code": self.code, "params": self.params}


def render_stored(stored, gettext=None):
    """Render a finding kept as to_dict() data; an unknown kind or code (from an older release) shows its code."""
    kind = CodedMessage.KINDS.get(stored.get("kind"))
    if kind is None or stored.get("code") not in kind.MESSAGES:
        return str(stored.get("code", ""))
    return format_message(kind.MESSAGES[stored["code"]], stored.get("params"), gettext)


def format_message(template, params, gettext=None):
    """Translate the English template if a gettext is given, then fill in its %(name)s fields."""
    if gettext is not None:
        template = gettext(template)
    return template % params if params else template


class ScormError(CodedMessage, Exception):
    """Base of the project's validation errors: the input is refused and nothing is changed."""

    def __init__(self, code, **params):
        self._set_code(code, params)
        super().__init__(self.render())


class Notice(CodedMessage):
    """A non-blocking finding: the input is accepted, and the author is told."""

    def __init__(self, code, **params):
        self._set_code(code, params)

    def __repr__(self):
        return f"{type(self).__name__}({self.code!r}, {self.params!r})"

    def __eq__(self, other):
        return type(self) is type(other) and (self.code, self.params) == (other.code, other.params)

    def __hash__(self):
        return hash((type(self).__name__, self.code))
