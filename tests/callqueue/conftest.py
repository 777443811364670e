"""The Call Cert queue's scenario (test_callqueue), shared with the readiness pages' tests."""

from tests.callqueue.test_callqueue import monday_morning, world  # noqa: F401
