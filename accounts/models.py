from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """The portal's user. Custom from the first migration so it can grow.

    Roles are not fields here: a user holds any number of memberships
    (zones.Membership), each giving a role in a zone, unit or province.
    """

    full_name = models.CharField("姓名", max_length=60, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username
