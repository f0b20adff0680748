"""The player frame's size: a ratio of the unit's width by default, the author's fixed height when chosen or when an
existing block has a height of its own, and a refused choice outside the list."""
import pytest
from webob import Request

from openedxscorm.frame import FRAME_SIZES, MIN_RATIO_HEIGHT, TOOLBAR_HEIGHT, frame_layout, frame_size_of
from openedxscorm_support.block_runtime import make_block
from tests.test_block import upload, upload_request


@pytest.mark.parametrize("chosen, height_chosen, expected", [
    ("", False, "16:9"), ("", True, "fixed"), ("4:3", True, "4:3"), ("fixed", False, "fixed"), ("16:9", True, "16:9"),
    ("nonsense", False, "16:9"),
])
def test_frame_size_of(chosen, height_chosen, expected):
    assert frame_size_of(chosen, height_chosen) == expected


def test_layout_gives_the_ratio_or_the_fixed_height():
    assert frame_layout("", 450, 450) == {"ratio": 9 / 16, "height": 450, "toolbar": TOOLBAR_HEIGHT, "size": "16:9",
                                          "min_height": MIN_RATIO_HEIGHT}
    assert frame_layout("", 600, 450)["ratio"] is None  # an existing block's own height keeps working
    assert frame_layout("4:3", 600, 450)["ratio"] == 3 / 4


@pytest.fixture
def block(storage):  # noqa: ARG001
    block = make_block()
    upload(block, "probe-1.2.zip")
    return block


def player_tag(block):
    html = block.student_view().content
    return html[html.index("<iframe"):html.index("</iframe>")]


def test_a_new_block_plays_in_a_16_9_frame_of_the_unit_width(block):
    tag = player_tag(block)
    assert 'class="scorm-player is-ratio"' in tag and "--scorm-ratio: 0.562500;" in tag
    assert f"--scorm-toolbar: {TOOLBAR_HEIGHT}px; --scorm-min-height: {MIN_RATIO_HEIGHT}px;" in tag
    assert " height:" not in tag


@pytest.mark.parametrize("value", sorted(FRAME_SIZES))
def test_each_choice_of_the_studio_form_is_kept(block, value):
    response = block.handle("studio_submit", upload_request(frame_size=value, height="600", width=""))
    assert response.status_code == 200 and block.frame_size == value
    tag = player_tag(block)
    assert ("height: 600px;" in tag) == (value == "fixed")
    assert f'data-frame-size="{value}"' in tag


@pytest.mark.parametrize("value", ["", "16/9", "auto", "fixed ", "<b>"])
def test_a_choice_outside_the_list_is_refused_and_changes_nothing(block, value):
    response = block.handle("studio_submit", upload_request(frame_size=value, display_name="Changed"))
    assert response.status_code == 400 and response.json["error"] == "Choose a frame size from the list."
    assert block.frame_size == "" and block.display_name != "Changed"


def test_the_studio_form_offers_the_sizes_with_the_current_one_selected(block):
    block.handle("studio_submit", upload_request(frame_size="4:3"))
    html = block.studio_view().content
    assert '<option value="4:3" selected>4:3</option>' in html
    assert html.count('name="frame_size"') == 1 and 'value="fixed"' in html


def test_a_fixed_width_keeps_its_ratio(block):
    block.handle("studio_submit", upload_request(frame_size="16:9", width="800"))
    assert "width: 800px; --scorm-width: 800px;" in player_tag(block)
    assert block.handle("launcher", Request.blank("/")).status_code == 200
