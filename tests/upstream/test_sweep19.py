"""``scorm_packages sweep`` on the storage layout the real openedx-scorm-xblock 19.0.5 wrote, local and S3.

Its folders are named by the sha1 of the usage id, 40 hex digits like ours: the sweep must know them by reading the
blocks, and never delete a tree a block (or 19.x, after a rollback) can serve.
"""
from io import StringIO

from django.core.management import call_command

from openedxscorm.rehydrate import package_extractor
from openedxscorm.settings import merged_settings
from openedxscorm.trees import PackageTree
from tests.upstream.conftest import LEARNERS
from tests.upstream.helpers import get, make_site, sha1_of, upload_19x, upload_here
from tests.upstream.lms import SwitchedBlock
from tests.upstream.packages19 import package_zip

pytest_plugins = ["openedxscorm_support.fake_platform.plugin"]
ADA = LEARNERS["ada"]


def register(platform, site):
    """The block as the modulestore returns it, on both branches: its authored fields from the site's store."""
    store = site.store()
    platform.modulestore.save_draft(site.usage_key, **store["settings"], **store["content"])
    platform.modulestore.publish(site.usage_key)


def stale_tree(storage, data, tmp_path):
    path = tmp_path / "stale.zip"
    path.write_bytes(data)
    tree = PackageTree(storage, "scorm", sha1_of(data))
    package_extractor(tree, merged_settings({}))(str(path))
    return tree


def serves_19x(backend, site, path):
    return backend.upstream.one(site, {"action": "asset", "user": ADA, "path": path})["status"] == 200


def test_sweep_deletes_only_what_no_block_can_serve(backend, fake_platform, tmp_path):
    storage, runner = backend.storage, backend.upstream
    golf, quiz, gone = (make_site(tmp_path, storage, backend.spec, name) for name in ("golf", "quiz", "gone"))
    golf19, _data = upload_19x(runner, golf)
    quiz19, _data = upload_19x(runner, quiz, version="2004", top_folder="")
    gone19, _data = upload_19x(runner, gone, extra={"notes.txt": b"deleted since"})
    again = package_zip("2004", extra={"v2.txt": b"second version"})
    quiz_block = upload_here(quiz, again)
    stale = stale_tree(storage, package_zip(extra={"old.txt": b"nobody plays this"}), tmp_path)
    register(fake_platform, golf)
    register(fake_platform, quiz)

    dry_run = StringIO()
    call_command("scorm_packages", "sweep", "--min-age-hours", "0", stdout=dry_run)
    assert f"WOULD DELETE {stale.prefix}" in dry_run.getvalue()
    out = StringIO()
    call_command("scorm_packages", "sweep", "--apply", "--min-age-hours", "0", stdout=out)
    output = out.getvalue()

    bucket = {name: answer["extract_folder"].rsplit("/", 1)[0] for name, answer in
              (("golf", golf19), ("quiz", quiz19), ("gone", gone19))}
    assert f"DELETED {stale.prefix}" in output
    assert f"IN USE (openedx-scorm-xblock layout) {bucket['golf']}" in output
    for unused in ("quiz", "gone"):  # quiz, uploaded again here, now plays from our tree, under 19.x too
        assert f"KEPT (openedx-scorm-xblock layout, unused) {bucket[unused]}" in output
    assert not stale.is_complete() and not storage.exists(stale.name_of("imsmanifest.xml"))
    assert all(storage.exists(f"{answer['extract_folder']}/imsmanifest.xml") for answer in (golf19, quiz19, gone19))

    golf_block = SwitchedBlock(golf, ADA).block
    assert get(golf_block, "assets_proxy", f"{golf_block.served_sha1()}/shared/style.css").status_code == 200
    assert get(quiz_block, "assets_proxy", f"{quiz_block.package_sha1}/v2.txt").body == b"second version"
    assert serves_19x(backend, golf, "shared/style.css")
    assert serves_19x(backend, quiz, "v2.txt")  # what a rollback to 19.x plays
