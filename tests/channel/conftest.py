"""The channel team of tests/partners (two partner companies, a partner queue), reused here."""

from tests.partners.conftest import channel, fresh  # noqa: F401
