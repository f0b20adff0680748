"""openedx-scorm-xblock 19.0.5 installed from PyPI into a virtualenv of its own (the bench's), once per session.

Without network access the suite is skipped with one line saying why; CI sets OPENEDXSCORM_REQUIRE_UPSTREAM=1
so that a failed installation fails the run instead.
"""
import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench import upstream
from tests.upstream import field_store

REQUIRE_UPSTREAM = "OPENEDXSCORM_REQUIRE_UPSTREAM"
WORKER = Path(__file__).resolve().parent / "worker19.py"
LEARNERS = {
    "ada": {"id": 11, "username": "ada", "full_name": "Ada Lovelace"},
    "alan": {"id": 12, "username": "alan", "full_name": "Alan Turing"},
}


def _installed(install):
    try:
        return install()
    except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
        if os.environ.get(REQUIRE_UPSTREAM):
            raise
        pytest.skip(f"openedx-scorm-xblock 19.0.5 could not be installed from PyPI ({error}); "
                    f"set {REQUIRE_UPSTREAM}=1 to fail instead")
        raise  # unreachable: pytest.skip raises


@dataclass
class Site:
    """One block of a site: its usage key, its field store file and the storage both packages are given."""

    usage_key: object
    store_path: Path
    storage_spec: dict
    storage: object
    workdir: Path
    runs: list = field(default_factory=list)

    def store(self):
        return field_store.load(self.store_path)


class Upstream19:
    """Runs steps with the real 19.0.5 block (worker19.py) on a site's field store and storage."""

    def __init__(self, python):
        self.python = python

    def run(self, site, *steps):
        request = site.workdir / f"request-{len(site.runs)}.json"
        request.write_text(json.dumps({"storage": site.storage_spec, "store": str(site.store_path),
                                       "usage_id": str(site.usage_key), "steps": list(steps)}), encoding="utf-8")
        site.runs.append(request)
        done = subprocess.run([str(self.python), str(WORKER), str(request)], capture_output=True, text=True,
                              check=False, timeout=120)
        if done.returncode != 0:
            raise AssertionError(f"openedx-scorm-xblock 19.0.5 failed:\n{done.stderr}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def one(self, site, step):
        return self.run(site, step)[0]


@pytest.fixture(scope="session")
def upstream19():
    return Upstream19(_installed(lambda: upstream.ensure_venv(log=lambda text: print(text, file=sys.stderr))))


@pytest.fixture(scope="session")
def upstream19_s3(upstream19):
    _installed(lambda: upstream.ensure_s3_packages(upstream19.python))
    return upstream19


@dataclass
class Backend:
    """A storage both packages write to, how the worker reaches it, and the 19.x runner that can reach it."""

    kind: str
    storage: object
    spec: dict
    upstream: Upstream19


@pytest.fixture(params=["local", "s3"])
def backend(request, settings):
    """Local FileSystemStorage, or django-storages' S3Storage on a moto server (tests/s3's helpers)."""
    if request.param == "local":
        storage = request.getfixturevalue("storage")
        chosen = Backend("local", storage, {"kind": "local", "media_root": str(storage.location)},
                         request.getfixturevalue("upstream19"))
    else:
        from tests.s3.conftest import create_bucket, make_s3_storage  # pylint: disable=import-outside-toplevel

        runner = request.getfixturevalue("upstream19_s3")
        endpoint = request.getfixturevalue("upstream_moto").endpoint
        bucket = f"scorm19-{uuid.uuid4().hex[:12]}"
        create_bucket(endpoint, bucket)
        chosen = Backend("s3", make_s3_storage(endpoint, bucket),
                         {"kind": "s3", "endpoint": endpoint, "bucket": bucket}, runner)
    storage = chosen.storage
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {"STORAGE_FUNC": lambda block: storage}}
    return chosen


@pytest.fixture(scope="session")
def upstream_moto(tmp_path_factory):
    """tests/s3's moto server, started for this suite."""
    from tests.s3.conftest import running_moto_server  # pylint: disable=import-outside-toplevel

    yield from running_moto_server(tmp_path_factory.mktemp("moto19"))
