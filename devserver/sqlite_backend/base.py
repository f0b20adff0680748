"""sqlite whose transactions take the write lock when they begin, on every supported Django version.

Learner state writes (docs/learner-state.rst) read, then write, inside one transaction. On sqlite two such
transactions that both began with a read lock cannot both upgrade it: one fails with "database is locked".
Taking the write lock at BEGIN makes concurrent requests wait for each other instead. Django 5.1 and later say
this with ``OPTIONS["transaction_mode"] = "IMMEDIATE"``; Django 4.2 has no such option, so this backend says it.
"""
import django
from django.db.backends.sqlite3 import base

# The first Django version whose sqlite backend has OPTIONS["transaction_mode"].
TRANSACTION_MODE_SINCE = (5, 1)


def database_options(timeout):
    """OPTIONS for this backend: IMMEDIATE transactions where Django takes the option, and the lock wait."""
    options = {"timeout": timeout}
    if django.VERSION >= TRANSACTION_MODE_SINCE:
        options["transaction_mode"] = "IMMEDIATE"
    return options


class DatabaseWrapper(base.DatabaseWrapper):
    """Django's sqlite backend, beginning every transaction IMMEDIATE on Django 4.2 too."""

    def _start_transaction_under_autocommit(self):
        if django.VERSION >= TRANSACTION_MODE_SINCE:
            super()._start_transaction_under_autocommit()
        else:
            self.cursor().execute("BEGIN IMMEDIATE")
