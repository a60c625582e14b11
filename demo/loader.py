"""Load the whole demo: every app's demo data through that app's services, in the order they build on.

``demo_load`` gives the zone with its organisation and figures (what the benchmarks and most
tests need); ``demo_load_all`` is what ``manage.py load_demo`` runs, and adds 南平市, a second
small zone of the province with some figures, so that the reviewer can compare zones. Both are
idempotent.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from assessments.services import score_snapshot_request
from zones.models import Zone

from .assessments import demo_evaluator_profiles_load, demo_judgements_load, demo_rounds_load, demo_rounds_reset
from .evidence import demo_evidence_load
from .figures import demo_figures_load
from .inspections import demo_inspections_load
from .tasks import demo_tasks_load
from .zone import demo_second_zone_load, demo_zone_load


@transaction.atomic
def demo_load(*, system_code: str = "CN-2024") -> Zone:
    """The demo zone (organisation, accounts) and its figures; the assessment half starts over first,
    so that no round of an earlier load keeps the figures locked."""
    zone = demo_zone_load(system_code=system_code)
    demo_rounds_reset(zone=zone)
    demo_figures_load(zone=zone, user=get_user_model().objects.get(username="office"))
    return zone


def demo_load_all(*, system_code: str = "CN-2024") -> Zone:
    """Everything ``manage.py load_demo`` loads; asks for the zone's score at the end."""
    zone = demo_load(system_code=system_code)
    demo_judgements_load(zone=zone)
    demo_evaluator_profiles_load()
    demo_tasks_load(zone=zone)
    demo_evidence_load(zone=zone)
    demo_rounds_load(zone=zone)
    demo_inspections_load(zone=zone)  # after the rounds: expert and expert2 then hold a role on the zone
    score_snapshot_request(zone=zone)
    # A second, smaller zone of 福建省 (申报, some figures) for the reviewer's comparison.
    score_snapshot_request(zone=demo_second_zone_load(system_code=system_code))
    return zone
