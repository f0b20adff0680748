"""OLX export of a block still playing the tree openedx-scorm-xblock extracted.

That package kept no zip, only the extracted tree. The export bundles the original zip when one can be found
(beside our content-addressed tree, where ``scorm_packages resync --zips`` puts it), else a zip rebuilt from the
tree. A rebuilt zip has other bytes than the uploaded one, so the imported block gets another sha1; its bytes
depend only on the tree's files (sorted names, fixed timestamps), so every export of the same tree is the same zip.
"""
import posixpath
import shutil
import zipfile

from . import olx
from .trees import PackageTree

# Every member gets this timestamp: the rebuilt zip must not change from one export to the next.
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def tree_files(storage, prefix):
    """Relative paths of every file under ``prefix`` in storage, sorted."""
    found = []
    pending = [""]
    while pending:
        relative = pending.pop()
        try:
            folders, files = storage.listdir(posixpath.join(prefix, relative) if relative else prefix)
        except FileNotFoundError:
            continue
        found.extend(posixpath.join(relative, name) if relative else name for name in files)
        pending.extend(posixpath.join(relative, name) if relative else name for name in folders)
    return sorted(found)


def write_tree_zip(tree, target, chunk_size):
    """Zip every file of a served tree into the binary stream ``target``, streamed file by file."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for relative_path in tree_files(tree.storage, tree.prefix):
            info = zipfile.ZipInfo(relative_path, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            with tree.storage.open(tree.name_of(relative_path), "rb") as source, \
                    archive.open(info, "w", force_zip64=True) as member:
                shutil.copyfileobj(source, member, chunk_size)


def original_zip(tree, location):
    """The storage name of the zip openedx-scorm-xblock was given, when it is kept beside our tree; else None."""
    name = PackageTree(tree.storage, location, tree.sha1).zip_name
    return name if tree.sha1 and tree.storage.exists(name) else None


def export_legacy_package(node, tree, export_fs, location, chunk_size):
    """Bundle a legacy tree's package into export_fs and record its path on node, as olx.export_package does."""
    if export_fs is None or not tree.sha1:
        return
    relative_path = olx.bundle_path(tree.sha1)
    if not export_fs.exists(relative_path):
        export_fs.makedirs(olx.BUNDLE_FOLDER, recreate=True)
        source_name = original_zip(tree, location)
        with export_fs.openbin(relative_path, "w") as target:
            if source_name:
                with tree.storage.open(source_name, "rb") as source:
                    shutil.copyfileobj(source, target, chunk_size)
            else:
                write_tree_zip(tree, target, chunk_size)
    node.set(olx.BUNDLED_ZIP_ATTRIBUTE, relative_path)
