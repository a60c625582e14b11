"""Passwords are stored with Argon2id (config/settings/base.py); older PBKDF2 hashes still work
and are re-hashed at the next login. The test settings hash with MD5 for speed, so these tests
put the production list back."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import override_settings
from django.urls import reverse

from config.settings import base
from tests.factories import UserFactory

PASSWORD = "Test@2024!"

production_hashers = override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)


def test_production_hashes_with_argon2id_first():
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.PASSWORD_HASHERS != base.PASSWORD_HASHERS  # the suite's own fast hasher


@production_hashers
def test_a_new_password_is_stored_as_argon2id(db):
    user = UserFactory(username="zhangsan")
    user.set_password(PASSWORD)
    user.save()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)
    assert not user.check_password("Wrong@2024!")


@production_hashers
@pytest.mark.django_db
def test_an_old_pbkdf2_password_still_logs_in_and_is_rehashed(client):
    user = UserFactory(username="zhangsan")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    assert user.password.startswith("pbkdf2_sha256$")

    response = client.post(reverse("login"), {"username": "zhangsan", "password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
