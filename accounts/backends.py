"""Authentication backends.

Production uses django-axes' ``AxesStandaloneBackend`` as is (config/settings/base.py).
"""

from axes.backends import AxesStandaloneBackend


class TestClientAxesBackend(AxesStandaloneBackend):
    """For the test settings only: Django's ``Client.login()`` authenticates
    without a request, which axes refuses with an error. Such calls are let
    through (there is no client to lock out); every call with a request gets
    the full lockout check."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
