"""Read and write a learner's state per block, package version and SCO (the tables of models.py).

The one API the rest of the package uses for learner state:

* ``read_version(key, sha1)`` and ``versions(key)``: plain snapshots, no write;
* ``writing(key, sha1)``: a locked, reloaded version for the length of one transaction; whatever two requests of
  one learner do to the same block, one waits for the other, and each starts from what the other stored;
* ``read_sco_state`` / ``write_sco_state``: one SCO's state, for code that needs nothing else;
* ``writing(..., seeds=...)``: states kept before these tables existed (block fields), stored with the
  learner's first row in the block;
* ``delete`` and ``delete_learner``: attempt reset, "delete student state" and user retirement.

Sizes are bytes of compact JSON (runtime.state_size); the caller decides what to refuse against MAX_STATE_SIZE.
"""
import contextlib
import hashlib
from dataclasses import dataclass, field

from django.db import transaction

from .runtime import state_size

SCO_KEY_LIMIT = 255
DIGESTED_PREFIX = "sha1:"


def sco_key(identifier):
    """The SCO column value: the manifest identifier, digested when longer than the column."""
    identifier = str(identifier)
    if len(identifier) <= SCO_KEY_LIMIT:
        return identifier
    return DIGESTED_PREFIX + hashlib.sha1(identifier.encode("utf-8"), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class LearnerKey:
    """Whose state, in which block: the runtime's user id and the block's usage key, both as text."""

    learner: str
    usage_key: str

    @classmethod
    def of(cls, learner, usage_key):
        return cls(str(learner), str(usage_key))


@dataclass
class VersionState:
    """A snapshot of one learner's state for one package version (empty when nothing is stored)."""

    sha1: str
    standard: str = ""
    scos: dict = field(default_factory=dict)  # SCO identifier -> run-time state
    engine_state: str = ""
    current_sco: str = ""
    published: dict = field(default_factory=dict)
    size: int = 0
    modified: object = None  # datetime of the last write, None when never stored
    stored: bool = False

    def sco(self, identifier):
        return self.scos.get(sco_key(identifier)) or {}

    def size_without(self, identifier):
        """Bytes stored for everything but this SCO: what is left to it is MAX_STATE_SIZE minus this."""
        current = self.scos.get(sco_key(identifier))
        return self.size - (state_size(current) if current else 0)


def _models():
    from . import models  # pylint: disable=import-outside-toplevel  # the app registry must be ready first

    return models


def _snapshot(row, sco_rows):
    return VersionState(
        sha1=row.package_sha1, standard=row.standard, scos={sco.sco: sco.state for sco in sco_rows},
        engine_state=row.engine_state, current_sco=row.current_sco, published=dict(row.published or {}),
        size=row.size, modified=row.modified, stored=True)


def read_version(key, sha1):
    """The learner's state of this package version; an empty one when nothing was stored."""
    models = _models()
    row = models.LearnerPackageState.objects.filter(learner=key.learner, usage_key=key.usage_key,
                                                     package_sha1=sha1).first()
    if row is None:
        return VersionState(sha1)
    return _snapshot(row, row.scos.all())


def versions(key):
    """Every version the learner has state for in this block, most recently written first."""
    rows = _models().LearnerPackageState.objects.filter(learner=key.learner, usage_key=key.usage_key)
    return [_snapshot(row, row.scos.all()) for row in rows.order_by("-modified").prefetch_related("scos")]


def has_state(key):
    return _models().LearnerPackageState.objects.filter(learner=key.learner, usage_key=key.usage_key).exists()


def block_states(usage_key, chunk_size=500):
    """(learner, VersionState) of every learner and version of one block, by learner, read in chunks."""
    rows = _models().LearnerPackageState.objects.filter(usage_key=str(usage_key)).order_by("learner", "-modified")
    for row in rows.prefetch_related("scos").iterator(chunk_size=chunk_size):
        yield row.learner, _snapshot(row, row.scos.all())


def sha1s_played_since(moment):
    """The package versions any learner stored something for since `moment` (a datetime)."""
    rows = _models().LearnerPackageState.objects.filter(modified__gte=moment)
    return set(rows.values_list("package_sha1", flat=True).distinct())


class Writer:
    """A version row locked for one transaction, with its SCO rows loaded; changes are written at once."""

    def __init__(self, row, sco_rows):
        self.row = row
        self.sco_rows = {sco.sco: sco for sco in sco_rows}
        self.state = _snapshot(row, sco_rows)

    def put_sco(self, identifier, state):
        """Store one SCO's state and keep the version's size up to date."""
        models = _models()
        name = sco_key(identifier)
        size = state_size(state)
        sco_row = self.sco_rows.get(name)
        old_size = sco_row.size if sco_row else 0
        if sco_row is None:
            sco_row = models.LearnerScoState(package_state=self.row, sco=name)
            self.sco_rows[name] = sco_row
        sco_row.state, sco_row.size = state, size
        sco_row.save()
        self.state.scos[name] = state
        self._resize(size - old_size)

    def put_engine_state(self, text):
        old = len(self.row.engine_state.encode("utf-8"))
        self.row.engine_state = text
        self.state.engine_state = text
        self._resize(len(text.encode("utf-8")) - old)

    def put_fields(self, **values):
        """current_sco, published or standard of the version row."""
        for name, value in values.items():
            setattr(self.row, name, value)
            setattr(self.state, name, value)
        self.row.save()

    def _resize(self, delta):
        self.row.size = max(self.row.size + delta, 0)
        self.state.size = self.row.size
        self.row.save()


@contextlib.contextmanager
def writing(key, sha1, standard="", seeds=None):
    """The learner's version row created if needed, locked and reloaded: yields a Writer. Everything written
    through it commits together when the block ends; an exception rolls it all back.

    ``seeds`` (a callable giving VersionState objects) are states kept before these tables existed: stored in the
    same transaction when it creates the learner's first row in this block, never later.
    """
    models = _models()
    row_id, created = _version_row(key, sha1, standard)
    with transaction.atomic():
        # Locking reads first: they wait for another writer of this learner's version and see what it committed
        # (on MySQL a plain read would see the snapshot the transaction's first read took).
        row = models.LearnerPackageState.objects.select_for_update().get(pk=row_id)
        writer = Writer(row, list(models.LearnerScoState.objects.select_for_update().filter(package_state=row)))
        if created and seeds is not None and not _others_exist(key, row):
            _store_seeds(key, writer, seeds())
        yield writer


def _version_row(key, sha1, standard):
    """(id, created) of the learner's version row, created if needed in a transaction of its own."""
    models = _models()
    with transaction.atomic():
        row, created = models.LearnerPackageState.objects.get_or_create(
            learner=key.learner, usage_key=key.usage_key, package_sha1=sha1, defaults={"standard": standard})
        if standard and not row.standard:
            row.standard = standard
            row.save(update_fields=["standard"])
    return row.pk, created


def _others_exist(key, row):
    return _models().LearnerPackageState.objects.filter(
        learner=key.learner, usage_key=key.usage_key).exclude(pk=row.pk).exists()


def _fill(writer, version):
    """The seed's states, where nothing was stored yet (a request of the learner may have written first)."""
    for identifier, state in version.scos.items():
        if state and sco_key(identifier) not in writer.state.scos:
            writer.put_sco(identifier, state)
    if version.engine_state and not writer.state.engine_state:
        writer.put_engine_state(version.engine_state)
    if (version.current_sco or version.published) and not writer.state.published:
        writer.put_fields(current_sco=writer.state.current_sco or version.current_sco, published=version.published)


def _store_seeds(key, writer, found):
    for version in found:
        if version.sha1 == writer.row.package_sha1:
            _fill(writer, version)
            continue
        with writing(key, version.sha1, version.standard) as other:
            _fill(other, version)


def read_sco_state(key, sha1, identifier):
    """One SCO's stored state ({} when none)."""
    return read_version(key, sha1).sco(identifier)


def write_sco_state(key, sha1, identifier, state, standard=""):
    """Store one SCO's state, locked like every other write."""
    with writing(key, sha1, standard) as writer:
        writer.put_sco(identifier, state)


def delete(key):
    """Erase the learner's state of every version of the block; False when there was none."""
    deleted, _by_model = _models().LearnerPackageState.objects.filter(
        learner=key.learner, usage_key=key.usage_key).delete()
    return bool(deleted)


def delete_learner(learner):
    """Erase the learner's state in every block (user retirement); the number of versions erased."""
    count = _models().LearnerPackageState.objects.filter(learner=str(learner)).count()
    _models().LearnerPackageState.objects.filter(learner=str(learner)).delete()
    return count
