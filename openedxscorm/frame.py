"""How high the player's frame is: a ratio of its width (authoring tools draw a 16:9 or 4:3 stage), or a fixed
height, plus the launcher's toolbar."""
from .errors import gettext_noop

# The launcher's bar above the SCO (title, previous, next, fullscreen), in CSS pixels.
TOOLBAR_HEIGHT = 41
# A ratio frame is never lower than this, toolbar included: on a phone, 16:9 of the width would leave a table of
# contents a strip (a stage drawn at the frame's width still shows whole in the extra height).
MIN_RATIO_HEIGHT = 300

# Studio's choice -> (label, height per unit of width; None for the fixed height of the `height` field).
FRAME_SIZES = {
    "16:9": (gettext_noop("16:9, the stage of most authoring tools"), 9 / 16),
    "4:3": (gettext_noop("4:3"), 3 / 4),
    "fixed": (gettext_noop("A fixed height (below)"), None),
}
# A block that never chose: a fixed height when it has a height other than the default (an author's choice in
# blocks made before this one existed, and in those imported from openedx-scorm-xblock), else this ratio.
AUTOMATIC = ""
DEFAULT_RATIO = "16:9"
BAD_FRAME_SIZE = gettext_noop("Choose a frame size from the list.")


def frame_size_of(chosen, height_chosen):
    """The frame size a block plays with: its choice, else fixed when it has a height of its own, else 16:9."""
    if chosen in FRAME_SIZES:
        return chosen
    return "fixed" if height_chosen else DEFAULT_RATIO


def frame_layout(chosen, height, default_height):
    """What the player's template needs: the ratio (height / width) or None, the fixed height, the toolbar."""
    size = frame_size_of(chosen, height not in (None, default_height))
    return {"ratio": FRAME_SIZES[size][1], "height": height, "toolbar": TOOLBAR_HEIGHT, "size": size,
            "min_height": MIN_RATIO_HEIGHT}
