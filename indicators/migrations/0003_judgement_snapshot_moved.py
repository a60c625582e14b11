"""Judgement and ScoreSnapshot now belong to assessments (state only; the data stay)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_initial"),
        ("assessments", "0001_move_from_indicators"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Judgement"),
                migrations.DeleteModel(name="ScoreSnapshot"),
            ],
            database_operations=[],
        ),
    ]
