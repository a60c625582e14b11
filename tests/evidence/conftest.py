"""Fixtures for the evidence tests: item 12 of zone A answered for by unit X (lead)."""

import pytest

from indicators.models import Indicator
from tests.evidence.evidence_helpers import pdf_file
from tests.factories import MembershipFactory, UserFactory
from zones.models import IndicatorResponsibility, Membership


@pytest.fixture
def item_12(zone_a) -> Indicator:
    return Indicator.objects.get(system=zone_a.system, code="12")


@pytest.fixture
def item_13(zone_a) -> Indicator:
    return Indicator.objects.get(system=zone_a.system, code="13")


@pytest.fixture
def responsible_x(zone_a, unit_x, item_12) -> IndicatorResponsibility:
    """Unit X answers for item 12 (lead); unit Y answers for item 13 only."""
    return IndicatorResponsibility.objects.create(zone=zone_a, indicator=item_12, unit=unit_x, is_lead=True)


@pytest.fixture
def liaison_y(unit_y, item_13):
    IndicatorResponsibility.objects.create(zone=unit_y.zone, indicator=item_13, unit=unit_y, is_lead=True)
    return MembershipFactory(
        user=UserFactory(username="liaison_y"), role=Membership.Role.LIAISON, zone=unit_y.zone, unit=unit_y
    ).user


@pytest.fixture
def evidence_x(zone_a, unit_x, item_12, liaison_x, responsible_x):
    """A draft piece of evidence of unit X for item 12, version 1."""
    from evidence.services import evidence_create

    return evidence_create(
        zone=zone_a, indicator=item_12, unit=unit_x, user=liaison_x, file=pdf_file(), title="联席会议纪要"
    )


@pytest.fixture
def upload_temp_dir(tmp_path, settings):
    """Where Django streams uploads while they arrive (checked empty after refused uploads)."""
    path = tmp_path / "upload-tmp"
    path.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(path)
    return path
