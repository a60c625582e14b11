"""Settings for the test suite.

TEST_DATABASE_URL / CELERY_BROKER_URL come from scripts/test.sh: unset means
SQLite and eager jobs; set (as in CI) means PostgreSQL and a real Redis broker.
"""

import tempfile

import dj_database_url

from .base import *  # noqa: F401,F403
from .base import env_str

SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="portal-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

_test_db = env_str("TEST_DATABASE_URL")
if _test_db:
    DATABASES = {"default": dj_database_url.parse(_test_db)}

# Unit tests always run jobs eagerly; the worker tests (tests/test_worker.py)
# start a real worker against CELERY_BROKER_URL themselves.
CELERY_TASK_ALWAYS_EAGER = True

# django-axes stays on (the lockout tests need it). Django's test Client.login()
# calls authenticate() without a request, which AxesStandaloneBackend refuses;
# this subclass lets only such request-less calls through (every real login
# comes with a request). force_login() needs nothing.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.TestClientAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# The suite signs personas in with force_login, which enters no second factor: the two-factor
# gate is off here and on in the tests of it (tests/accounts/test_two_factor.py, settings fixture).
TWO_FACTOR_ENFORCED = False

# No cache between tests: a value cached by one test (zone 1's 驾驶舱) must not answer the next,
# whose database reuses the ids. The cache tests switch the local-memory cache on themselves.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
