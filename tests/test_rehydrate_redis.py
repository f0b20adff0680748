"""Many first requests for a missing tree, from several processes sharing a real Redis: one extraction only."""
import pytest

from openedxscorm_support.rehydrate_load import concurrent_first_requests, redis_server

PROCESSES = 4
REQUESTS = 50


@pytest.fixture
def redis_url():
    """A private redis-server on 127.0.0.1, stopped after the test."""
    with redis_server() as url:
        yield url


def test_fifty_concurrent_first_requests_extract_once(redis_url, tmp_path):
    extractions, statuses = concurrent_first_requests(redis_url, tmp_path, PROCESSES, REQUESTS)
    assert len(statuses) == REQUESTS
    assert extractions == 1
    assert set(statuses) <= {"ready", "preparing"} and "ready" in statuses
    location = tmp_path / "media" / "scorm"
    assert any(path.name.endswith(".complete") for path in location.iterdir())
