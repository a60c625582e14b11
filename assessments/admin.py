"""The admin is a client too: it lists rounds and snapshots read-only; every write goes
through the pages and API (the services), so no rule, lock or rescore is skipped."""

from django.contrib import admin

from zones.access import ZoneAction
from zones.admin_mixins import ReadOnlyAdmin, ZoneScopedAdmin

from .models import AssessmentRound, EvaluatorProfile, Judgement, ScoreSnapshot
from .services import evaluator_profile_save


class ReadOnlyZoneAdmin(ReadOnlyAdmin, ZoneScopedAdmin):
    zone_action = ZoneAction.VIEW_ROUNDS


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(ReadOnlyZoneAdmin):
    list_display = ("zone", "kind", "status", "conclusion", "opened_at", "submitted_at")
    list_filter = ("kind", "status")


@admin.register(Judgement)
class JudgementAdmin(ReadOnlyZoneAdmin):
    zone_action = ZoneAction.JUDGE
    list_display = ("zone", "round", "scoring_item", "points", "judged_by", "judged_at")
    list_filter = ("scoring_item__rule_type",)


@admin.register(ScoreSnapshot)
class ScoreSnapshotAdmin(ReadOnlyZoneAdmin):
    zone_action = ZoneAction.VIEW
    list_display = ("zone", "round", "status", "total", "max_total", "requested_at", "computed_at")
    list_filter = ("status",)


@admin.register(EvaluatorProfile)
class EvaluatorProfileAdmin(admin.ModelAdmin):
    """Configuration of accounts (where an evaluator works): the system admin's job."""

    list_display = ("user", "home_region", "organisation")
    autocomplete_fields = ()

    def save_model(self, request, obj, form, change):
        """Through the service (audited), like every other write."""
        saved = evaluator_profile_save(
            user=obj.user, home_region=obj.home_region, organisation=obj.organisation, by=request.user
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False  # a profile is cleared by emptying its fields, which is audited
