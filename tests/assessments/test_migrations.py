"""Judgement and ScoreSnapshot moved from indicators to assessments with their data."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("assessments", None), ("indicators", "0002_initial"), ("zones", "0003_lifecycle_stages_matrix")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state([t for t in targets if t[1]]).apps


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_there_after_it():
    old = _migrate(BEFORE)
    Region = old.get_model("zones", "Region")
    System = old.get_model("indicators", "IndicatorSystem")
    Indicator = old.get_model("indicators", "Indicator")
    ScoringItem = old.get_model("indicators", "ScoringItem")
    Zone = old.get_model("zones", "Zone")
    province = Region.objects.create(name="福建省", level="province", category="east")
    city = Region.objects.create(name="三明市", level="city", parent=province, category="east")
    system = System.objects.create(code="T-1", name="测试体系", status="published")
    indicator = Indicator.objects.create(system=system, level=3, code="10", name="机制", max_points=2, position=1)
    item = ScoringItem.objects.create(
        indicator=indicator, code="10", label="", points=2, rule_type="expert", position=1
    )
    zone = Zone.objects.create(
        name="三明市", region=city, system=system, region_category="east", reference_year_1=2023, reference_year_2=2024
    )
    old.get_model("indicators", "Judgement").objects.create(zone=zone, scoring_item=item, points=Decimal("1.5"))
    old.get_model("indicators", "ScoreSnapshot").objects.create(
        zone=zone, system=system, status="done", total=Decimal("83.5"), result={"total": 83.5}
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    from assessments.models import Judgement, ScoreSnapshot

    judgement = Judgement.objects.get()
    assert (judgement.zone_id, judgement.scoring_item_id, judgement.points, judgement.round) == (
        zone.pk,
        item.pk,
        Decimal("1.5"),
        None,
    )
    snapshot = ScoreSnapshot.objects.get()
    assert snapshot.total == Decimal("83.5") and snapshot.result == {"total": 83.5} and snapshot.round is None
    assert Judgement._meta.db_table == "assessments_judgement"
