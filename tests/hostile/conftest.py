"""The world the hostile inputs are thrown at: zone A with its organisation, a task, evidence,
figures and a list; zone B's objects for foreign ids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from evidence.models import Evidence
from indicators.models import Indicator
from tasks.models import Assignment, Task
from tasks.services import assignment_report_progress, task_create
from tests.evidence.evidence_helpers import pdf_file
from tests.evidence.test_data_fixtures import data_matrix  # noqa: F401 (a fixture)
from tests.factories import UnitFactory
from zones.models import KeyPark, LeadingGroupMember, Stage, StageStep, Unit, Zone


@dataclass
class World:
    zone: Zone
    zone_b: Zone
    unit_x: Unit
    unit_y: Unit
    unit_b: Unit
    stage: Stage
    step: StageStep
    park: KeyPark
    member: LeadingGroupMember
    task: Task
    assignment: Assignment  # unit X's, reported complete (the office may send it back)
    task_b: Task
    evidence: Evidence  # unit X's, submitted (the office may accept or return it)
    item_12: Indicator
    office: object
    liaison: object
    office_b: object


@pytest.fixture
def world(zone_a, zone_b, unit_x, unit_y, office_a, liaison_x, office_b, data_matrix) -> World:  # noqa: F811
    from evidence.services import evidence_create, evidence_submit
    from zones.models import IndicatorResponsibility

    zone_a.creation_start, zone_a.creation_end = date(2024, 1, 1), date(2026, 2, 28)
    zone_a.save(update_fields=["creation_start", "creation_end"])
    unit_b = UnitFactory(zone=zone_b, name="乙市商务局", short_name="商务局")
    stage = Stage.objects.create(zone=zone_a, name="组织实施", start=date(2024, 3, 1), end=date(2025, 6, 30))
    step = StageStep.objects.create(stage=stage, title="召开推进会")
    park = KeyPark.objects.create(zone=zone_a, name="电商产业园")
    member = LeadingGroupMember.objects.create(zone=zone_a, role="member", title="市商务局局长", unit=unit_x)
    task = task_create(
        zone=zone_a, number="1", title="加大政策扶持力度", deadline=date(2030, 12, 31), unit_ids=[unit_x.pk, unit_y.pk]
    )
    assignment = task.assignments.get(unit=unit_x)
    assignment_report_progress(assignment=assignment, user=liaison_x, percent=100, text="已完成")
    task_b = task_create(zone=zone_b, title="乙市的任务", deadline=date(2030, 12, 31), unit_ids=[unit_b.pk])
    item_12 = Indicator.objects.get(system=zone_a.system, code="12")
    IndicatorResponsibility.objects.get_or_create(
        zone=zone_a, indicator=item_12, unit=unit_x, defaults={"is_lead": True}
    )
    evidence = evidence_create(
        zone=zone_a, indicator=item_12, unit=unit_x, user=liaison_x, file=pdf_file(), title="联席会议纪要"
    )
    evidence_submit(evidence=evidence, user=liaison_x)
    return World(
        zone=zone_a,
        zone_b=zone_b,
        unit_x=unit_x,
        unit_y=unit_y,
        unit_b=unit_b,
        stage=stage,
        step=step,
        park=park,
        member=member,
        task=task,
        assignment=assignment,
        task_b=task_b,
        evidence=evidence,
        item_12=item_12,
        office=office_a,
        liaison=liaison_x,
        office_b=office_b,
    )
