"""The accounts tests' people (Jo at Camden, Sam at Islington, Mo the moderator...)."""

from tests.accounts.conftest import fast_passwords, jo, make_person, mo, sam  # noqa: F401
