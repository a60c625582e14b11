"""The evaluator's review screen: one page per (round, third-level item).

Left: the 5 → 10 → 41 tree with the user's progress and what still needs a score
or a 差异说明; middle: the item's criteria, the zone's figures (year, source), the
automatic result, the self-assessment and previous round's scores; right: the
item's evidence previewed inline and a score per judged sub-criterion.

Who scores what: an evaluator scores the items assigned to them (another item of
the round answers 403); the office scores every judged item in 自评. Everybody
else who may view the round reads the screen without the form. Under blind
review an evaluator sees another evaluator's score of a sub-criterion (and the
aggregate it makes) only after scoring it themselves.

Reads are constant in queries: evidence files and evaluators' scores are
fetched with the rows they belong to, whatever their number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from evidence.models import DataValue, Evidence, EvidenceFile, EvidenceStatus
from evidence.selectors import evidence_visible
from indicators.models import Benchmark, Indicator, Metric, ScoringItem
from indicators.scoring.figures import plain
from indicators.scoring.rules import JUDGED_RULES
from indicators.selectors import indicator_system_tree

from . import selectors, services
from .access import RoundAction, round_can, round_get_for_user, score_visibility
from .models import AssessmentRound, DifferenceReason, Doubt, EvaluatorAssignment, Judgement

Kind = AssessmentRound.Kind
PDF = "application/pdf"
IMAGES = frozenset({"image/jpeg", "image/png"})  # what evidence:file-inline shows in the page
EVIDENCE_ORDER = Case(
    When(status=EvidenceStatus.ACCEPTED, then=Value(0)),
    When(status=EvidenceStatus.SUBMITTED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@login_required
def review_home(request: HttpRequest) -> HttpResponse:
    rounds = selectors.rounds_for_evaluator(user=request.user)
    return render(request, "assessments/review_home.html", {"rounds": rounds})


# What the user does in a round -------------------------------------------------------


@dataclass
class Scope:
    """The user's part in a round: the items they work through, and which they may open."""

    scores: bool  # shows the form (an evaluator on their items, the office in 自评)
    items: list[Indicator]  # every third-level item of the round's system, in order
    work: list[Indicator]  # the items the user goes through (save and next, Alt+←/→)
    allowed: set[int] | None  # item ids the user may open; None: every item

    def may_open(self, item: Indicator) -> bool:
        return self.allowed is None or item.pk in self.allowed


def _judged(item: Indicator) -> list[ScoringItem]:
    return [sub for sub in item.items if sub.rule_type in JUDGED_RULES]


def _scope(user, round: AssessmentRound) -> tuple[list[Indicator], Scope]:
    """The system's tree (with items and their scoring items attached) and the user's scope."""
    tree = indicator_system_tree(system=round.system)
    items = [item for dim in tree for sub in dim.nodes for item in sub.nodes]
    for item in items:
        for sub in item.items:
            sub.indicator = item  # the services read it: no query per sub-criterion
    if not round_can(user, round, RoundAction.SCORE):
        return tree, Scope(scores=False, items=items, work=items, allowed=None)
    if round.kind == Kind.SELF:
        return tree, Scope(scores=True, items=items, work=[i for i in items if _judged(i)], allowed=None)
    assigned = selectors.assigned_indicator_ids(round=round, user=user)
    return tree, Scope(scores=True, items=items, work=[i for i in items if i.pk in assigned], allowed=assigned)


def _own_judgements(round: AssessmentRound, user) -> dict[int, Judgement]:
    return {j.scoring_item_id: j for j in Judgement.objects.filter(round=round, judged_by=user)}


def _needs_score(item: Indicator, mine: dict[int, Judgement]) -> bool:
    return any(sub.pk not in mine for sub in _judged(item))


@login_required
def review_start(request: HttpRequest, round_id: int) -> HttpResponse:
    """To the first item the user must score, else their first item."""
    round = round_get_for_user(request.user, round_id)
    _tree, scope = _scope(request.user, round)
    if not scope.work:
        messages.info(request, _("您在本轮没有需要评审的指标。"))
        return redirect("assessments:round", round_id=round.pk)
    mine = _own_judgements(round, request.user) if scope.scores else {}
    first = next((i for i in scope.work if _needs_score(i, mine)), scope.work[0]) if scope.scores else scope.work[0]
    return redirect("assessments:review-item", round_id=round.pk, indicator_id=first.pk)


# Entered values -----------------------------------------------------------------------


@dataclass
class Entered:
    """One sub-criterion's fields as the user submitted them."""

    points: str = ""
    options: list[int] = field(default_factory=list)
    comment: str = ""
    version: int = 0

    @property
    def blank(self) -> bool:
        return not (self.points.strip() or self.options or self.comment.strip())


def _entered(post, sub: ScoringItem) -> Entered:
    options = []
    for raw in post.getlist(f"options-{sub.pk}"):
        options.append(int(raw) if raw.isascii() and raw.isdigit() else -1)  # -1: refused by the service
    version = post.get(f"version-{sub.pk}", "0")
    return Entered(
        points=post.get(f"points-{sub.pk}", "").strip(),
        options=sorted(set(options)),
        comment=post.get(f"comment-{sub.pk}", ""),
        version=int(version) if version.isascii() and version.isdigit() else 0,
    )


def _entered_of(judgement: Judgement | None) -> Entered:
    if judgement is None:
        return Entered()
    points = "" if judgement.points is None else plain(judgement.points)
    return Entered(
        points=points, options=list(judgement.options or []), comment=judgement.comment, version=judgement.version
    )


def _unchanged(sub: ScoringItem, entered: Entered, current: Judgement) -> bool:
    """The user submits what is stored already: nothing to save (whatever version the page had)."""
    if entered.comment.strip() != (current.comment or "").strip():
        return False
    if sub.rule_type == "any_one":
        return entered.options == sorted(set(current.options or []))
    try:
        return current.points is not None and Decimal(entered.points) == current.points
    except (InvalidOperation, ValueError):
        return False


class _Rollback(Exception):
    pass


def _save(request: HttpRequest, round: AssessmentRound, item: Indicator, mine: dict[int, Judgement]):
    """Save every judged sub-criterion of ``item`` in one transaction: all or nothing.

    Returns (entered values, errors per sub-criterion id, number saved)."""
    entered = {sub.pk: _entered(request.POST, sub) for sub in _judged(item)}
    errors: dict[int, list[str]] = {}
    saved = 0
    try:
        with transaction.atomic():
            for sub in _judged(item):
                values, current = entered[sub.pk], mine.get(sub.pk)
                if (current is None and values.blank) or (current is not None and _unchanged(sub, values, current)):
                    continue
                try:
                    services.round_judgement_set(
                        round=round,
                        scoring_item=sub,
                        user=request.user,
                        points=values.points or None,
                        options=values.options,
                        comment=values.comment,
                        expected_version=values.version,
                    )
                except ValidationError as exc:
                    errors[sub.pk] = exc.messages
                else:
                    saved += 1
            if errors:
                raise _Rollback
    except _Rollback:
        saved = 0
    return entered, errors, saved


# The page -----------------------------------------------------------------------------


def _neighbours(scope: Scope, item: Indicator) -> tuple[Indicator | None, Indicator | None]:
    """The user's items just before and after ``item`` (which need not be one of them)."""
    order = {i.pk: n for n, i in enumerate(scope.items)}
    here = order[item.pk]
    before = [i for i in scope.work if order[i.pk] < here]
    after = [i for i in scope.work if order[i.pk] > here]
    return (before[-1] if before else None), (after[0] if after else None)


def _self_round(round: AssessmentRound, previous: AssessmentRound | None) -> AssessmentRound | None:
    """The zone's last submitted 自评 before ``round`` (none when ``round`` is the 自评)."""
    if round.kind == Kind.SELF:
        return None
    if previous is not None and previous.kind == Kind.SELF:
        return previous
    return (
        AssessmentRound.objects.filter(
            zone_id=round.zone_id,
            kind=Kind.SELF,
            status=AssessmentRound.Status.SUBMITTED,
            opened_at__lte=round.opened_at,
        )
        .exclude(pk=round.pk)
        .order_by("-opened_at", "-pk")
        .first()
    )


def _points_by_code(data: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(item code → points, sub code → points) of a result dict."""
    if not data:
        return {}, {}
    items = {i["code"]: i["points"] for i in data["items"]}
    subs = {s["code"]: s["points"] for i in data["items"] for s in i["subs"]}
    return items, subs


def _metric_keys(items: list[ScoringItem]) -> tuple[set[str], set[str], set[str]]:
    """(the zone's figures, those read as growth, the benchmarks) the scoring items use, as metric keys.

    A key can be both a figure and a benchmark: 25.2 compares the zone's mediation success
    rate with the national one."""
    figures: set[str] = set()
    growth: set[str] = set()
    benchmarks: set[str] = set()

    def figure(spec: Any) -> None:
        if isinstance(spec, dict):
            keys = {spec[part] for part in ("metric", "numerator", "denominator") if isinstance(spec.get(part), str)}
            figures.update(keys)
            if spec.get("kind") == "growth":
                growth.update(keys)

    for sub in items:
        params = sub.params if isinstance(sub.params, dict) else {}
        figure(params.get("figure"))
        figure(params.get("other"))
        if isinstance(params.get("benchmark"), str):
            benchmarks.add(params["benchmark"])
        for cond in params.get("conditions") or []:
            if isinstance(cond, dict):
                figure(cond.get("figure"))
                if isinstance(cond.get("benchmark"), str):
                    benchmarks.add(cond["benchmark"])
    return figures, growth, benchmarks


def _figures(round: AssessmentRound, item: Indicator) -> dict[str, Any]:
    """The zone's figures (reference years, and the years before them for a growth rate) with their
    sources, and the benchmarks, for the metrics the item uses."""
    figure_keys, growth_keys, benchmark_keys = _metric_keys(item.items)
    keys = figure_keys | benchmark_keys
    if not keys:
        return {"rows": [], "benchmarks": [], "years": []}
    years = sorted(selectors.round_years_read(round.reference_years))
    metrics = {m.key: m for m in Metric.objects.filter(key__in=keys)}
    values = {
        (v.metric_id, v.year): v
        for v in DataValue.objects.filter(zone_id=round.zone_id, metric__key__in=figure_keys, year__in=years)
    }
    rows = []
    for key in sorted(figure_keys, key=lambda k: metrics[k].name if k in metrics else k):
        metric = metrics.get(key)
        if metric is None:
            continue
        for year in years if key in growth_keys else round.reference_years:
            value = values.get((metric.pk, year))
            rows.append(
                {
                    "metric": metric,
                    "year": year,
                    "value": None if value is None or value.value is None else plain(value.value),
                    "growth": None
                    if value is None or value.published_growth is None
                    else plain(value.published_growth),
                    "source": value.source if value else "",
                    "reference": year in round.reference_years,
                }
            )
    benchmarks = []
    if benchmark_keys:
        scope = round.system.scope
        found = Benchmark.objects.filter(
            metric__key__in=benchmark_keys, year__in=round.reference_years, region=scope
        ).select_related("metric", "region")
        benchmarks = sorted(found, key=lambda b: (b.metric.name, b.year))
        for benchmark in benchmarks:
            benchmark.shown = plain(benchmark.value)
    return {"rows": rows, "benchmarks": benchmarks, "years": years}


def _evidence(user, round: AssessmentRound, item: Indicator) -> list[Evidence]:
    """The item's evidence the user may see (not drafts): accepted first, every version, newest first."""
    files = EvidenceFile.objects.select_related("uploaded_by").order_by("-version")
    evidence = list(
        evidence_visible(user=user, zone=round.zone)
        .filter(indicator=item)
        .exclude(status=EvidenceStatus.DRAFT)
        .select_related("scoring_item", "unit", "reviewed_by")
        .prefetch_related(Prefetch("files", queryset=files))
        .annotate(rank=EVIDENCE_ORDER)
        .order_by("rank", "-created_at", "-pk")
    )
    # URLs are reversed once and filled per row: hundreds of {% url %} tags would cost more than the queries.
    zone_id = round.zone_id
    detail, inline, download = (
        reverse(name, args=[zone_id, _SENTINEL])
        for name in ("evidence:detail", "evidence:file-inline", "evidence:file-download")
    )
    status_badges = {value: (BADGE.get(value, "text-bg-secondary"), label) for value, label in EvidenceStatus.choices}
    for piece in evidence:
        piece.detail_url = detail.replace(str(_SENTINEL), str(piece.pk))
        piece.badge_class, piece.status_label = status_badges.get(piece.status, ("text-bg-secondary", piece.status))
        piece.versions = list(piece.files.all())
        for file in piece.versions:
            file.preview = "pdf" if file.content_type == PDF else "image" if file.content_type in IMAGES else ""
            file.inline_url = inline.replace(str(_SENTINEL), str(file.pk))
            file.download_url = download.replace(str(_SENTINEL), str(file.pk))
    return evidence


_SENTINEL = 987654321
BADGE = {"accepted": "text-bg-success", "returned": "text-bg-danger", "submitted": "text-bg-primary"}


def _first_preview(evidence: list[Evidence]) -> EvidenceFile | None:
    for piece in evidence:
        if piece.versions:
            return piece.versions[0]
    return None


def _page(
    request: HttpRequest,
    round: AssessmentRound,
    tree: list[Indicator],
    scope: Scope,
    item: Indicator,
    mine: dict[int, Judgement],
    entered: dict[int, Entered] | None = None,
    errors: dict[int, list[str]] | None = None,
) -> dict[str, Any]:
    user = request.user
    entered, errors = entered or {}, errors or {}
    data = selectors.round_result_data(round=round) or {"items": []}
    previous = selectors.round_previous(round=round)
    before = selectors.round_result_data(round=previous) if previous else None
    self_round = _self_round(round, previous)
    self_data = before if self_round is not None and self_round == previous else None
    if self_round is not None and self_data is None:
        self_data = selectors.round_result_data(round=self_round)
    before_items, before_subs = _points_by_code(before)
    self_items, self_subs = _points_by_code(self_data)
    now_items = {i["code"]: i for i in data["items"]}
    now_subs = {s["code"]: s for i in data["items"] for s in i["subs"]}
    see = score_visibility(user, round)  # the blind-review rule, as on every page of the round
    show_all = see.everything

    def visible(sub: ScoringItem) -> bool:
        """An automatic result always; a judged one once the user scored it, unless they see everything."""
        return see.sub_visible(sub.indicator.code, sub.code, sub.rule_type)

    # Left: progress and what still needs a score or a 差异说明.
    reasons = set(DifferenceReason.objects.filter(round=round).values_list("scoring_item__code", flat=True))
    work_ids = {i.pk for i in scope.work}

    def needs_reason(node: Indicator) -> bool:
        for sub in node.items:
            now = now_subs.get(sub.code)
            if now is None or sub.code not in before_subs or sub.code in reasons or not visible(sub):
                continue
            if Decimal(str(now["points"])) != Decimal(str(before_subs[sub.code])):
                return True
        return False

    todo = []
    for node in scope.items:
        node.in_work = node.pk in work_ids
        node.openable = scope.may_open(node)
        # Progress counts only the items that need this user's score; an item computed from the
        # zone's data alone shows as 自动计算 (the user reviews it, may raise a 存疑, scores nothing).
        node.to_score = scope.scores and node.in_work and bool(_judged(node))
        node.computed = scope.scores and node.in_work and not node.to_score
        node.needs_score = node.to_score and _needs_score(node, mine)
        node.needs_reason = node.in_work and needs_reason(node)
        node.done = node.to_score and not node.needs_score
        if node.needs_score or node.needs_reason:
            todo.append(node)
    for dim in tree:
        for sub in dim.nodes:
            sub.work_count = sum(1 for i in sub.nodes if i.to_score)
            sub.done_count = sum(1 for i in sub.nodes if i.done)
        dim.work_count = sum(s.work_count for s in dim.nodes)
        dim.done_count = sum(s.done_count for s in dim.nodes)

    # Middle and right: the item's sub-criteria, each with its result, history and form fields.
    judgements = list(
        Judgement.objects.filter(round=round, scoring_item__indicator=item)
        .select_related("judged_by")
        .order_by("judged_by_id")
    )
    doubts = list(
        Doubt.objects.filter(round=round, scoring_item__indicator=item)
        .select_related("raised_by")
        .order_by("raised_at", "pk")
    )
    for doubt in doubts:  # under blind review another evaluator's 存疑 shows without their name
        doubt.raiser_hidden = not see.raiser_visible(doubt.raised_by_id, user.pk)
    editable = scope.scores and round.is_editable
    rows = []
    hidden_any = False
    for sub in item.items:
        judged = sub.rule_type in JUDGED_RULES
        now = now_subs.get(sub.code, {})
        shown = visible(sub)
        hidden_any |= not shown
        values = entered.get(sub.pk) or _entered_of(mine.get(sub.pk))
        stale = services.STALE in errors.get(sub.pk, [])
        current = mine.get(sub.pk)
        others = [j for j in judgements if j.scoring_item_id == sub.pk and j.judged_by_id != user.pk]
        rows.append(
            {
                "sub": sub,
                "judged": judged,
                "any_one": sub.rule_type == "any_one",
                "rule": sub.get_rule_type_display(),
                "max": plain(sub.points),
                "shown": shown,
                "points": now.get("points") if shown else None,
                "explanation": now.get("explanation", "") if shown else "",
                "disputed": now.get("disputed"),
                "self": self_subs.get(sub.code),
                "previous": before_subs.get(sub.code),
                "entered": values,
                "options": [
                    (number, text, number in values.options)
                    for number, text in enumerate(sub.params.get("options") or [], 1)
                ],
                # A stale save re-renders with the stored version: saving again is a deliberate overwrite.
                "version": current.version if stale and current else values.version,
                "current": current if stale else None,
                "errors": errors.get(sub.pk, []),
                "others": others if shown else [],
                "others_hidden": judged and not shown,  # says nothing of who scored
                "doubts": [d for d in doubts if d.scoring_item_id == sub.pk],
                "open_doubt": next((d for d in doubts if d.scoring_item_id == sub.pk and d.status == "open"), None),
            }
        )
    now_item = now_items.get(item.code, {})
    previous_item, next_item = _neighbours(scope, item)
    evidence = _evidence(user, round, item)
    return {
        "round": round,
        "zone": round.zone,
        "tree": tree,
        "item": item,
        "scope": scope,
        "todo": todo,
        "done_count": sum(1 for i in scope.work if i.done),
        "work_count": sum(1 for i in scope.work if i.to_score),
        # The middle card's title: what the item's points are made of.
        "item_method": "judged"
        if all(r["judged"] for r in rows)
        else "computed"
        if not any(r["judged"] for r in rows)
        else "mixed",
        "rows": rows,
        "judged_rows": [r for r in rows if r["judged"]],
        "item_points": None if hidden_any else now_item.get("points"),
        "item_max": plain(item.max_points),
        "item_missing": now_item.get("missing", []) if not hidden_any else [],
        "self_round": self_round,
        "self_points": self_items.get(item.code),
        "previous": previous,
        "previous_points": before_items.get(item.code),
        "figures": _figures(round, item),
        "evidence": evidence,
        "preview": _first_preview(evidence),
        "editable": editable,
        "can_doubt": editable and round.kind != Kind.SELF,
        "blind": not show_all,
        "prev_item": previous_item,
        "next_item": next_item,
        "prev_url": reverse("assessments:review-item", args=[round.pk, previous_item.pk]) if previous_item else "",
        "next_url": reverse("assessments:review-item", args=[round.pk, next_item.pk]) if next_item else "",
        # 申请回避 from the screen itself (the round page offers it too).
        "my_assignment": EvaluatorAssignment.objects.filter(
            round=round, evaluator=user, indicator=item, recused_at__isnull=True
        ).first()
        if scope.scores and round.kind != Kind.SELF
        else None,
        "has_errors": bool(errors),
        "error_list": [(sub.code, msg) for sub in item.items for msg in errors.get(sub.pk, [])],
    }


def _after_save(round: AssessmentRound, scope: Scope, item: Indicator, mine: dict[int, Judgement]) -> str:
    """Where "保存并下一项" goes: the next item, else the first one still to score, else the round."""
    _before, after = _neighbours(scope, item)
    if after is None:
        after = next((i for i in scope.work if i.pk != item.pk and _needs_score(i, mine)), None)
    if after is None:
        return reverse("assessments:round", args=[round.pk])
    return reverse("assessments:review-item", args=[round.pk, after.pk])


@login_required
def review_item(request: HttpRequest, round_id: int, indicator_id: int) -> HttpResponse:
    posting = request.method == "POST"
    round = round_get_for_user(request.user, round_id, RoundAction.SCORE if posting else RoundAction.VIEW)
    tree, scope = _scope(request.user, round)
    item = next((i for i in scope.items if i.pk == indicator_id), None)
    if item is None:
        raise Http404("指标不存在。")
    if not scope.may_open(item):
        raise PermissionDenied("您未被分配评审该指标，或已申请回避。")
    mine = _own_judgements(round, request.user)
    if not posting:
        context = _page(request, round, tree, scope, item, mine)
        return render(request, "assessments/review_item.html", context)

    entered, errors, saved = _save(request, round, item, mine)
    if errors:
        mine = _own_judgements(round, request.user)  # a stale sub-criterion shows what the other save stored
        context = _page(request, round, tree, scope, item, mine, entered=entered, errors=errors)
        return render(request, "assessments/review_item.html", context)
    if saved:
        messages.success(request, _("已保存 %(n)d 个评分项的评分。") % {"n": saved})
    if "next" in request.POST:
        mine = _own_judgements(round, request.user)
        target = _after_save(round, scope, item, mine)
        if target == reverse("assessments:round", args=[round.pk]):
            messages.info(request, _("您在本轮的评审指标均已评分。"))
        return redirect(target)
    return redirect("assessments:review-item", round_id=round.pk, indicator_id=item.pk)
