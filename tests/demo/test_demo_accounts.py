"""Demo accounts made by any version of `make run` are marked, so DEBUG off refuses them."""

import importlib

from demo.people import DEMO_USERS

marking = importlib.import_module("demo.migrations.0001_mark_demo_accounts")


def test_the_migration_marks_every_demo_account_make_run_creates():
    assert set(marking.DEMO_USERNAMES) == set(DEMO_USERS)


def test_the_migration_marks_existing_demo_accounts_and_no_one_else(db):
    from django.apps import apps

    from tests.factories import UserFactory

    demo = UserFactory(username="demo-manager")
    someone = UserFactory(username="morag-campbell")
    marking.mark(apps, None)
    demo.refresh_from_db()
    someone.refresh_from_db()
    assert demo.is_demo and not someone.is_demo
