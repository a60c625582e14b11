"""One function per rule type: (scoring item, zone facts, metrics) → SubResult.

Every function returns a result for any input — missing data scores 0 and is
named in ``missing`` — and every result carries a Chinese explanation that a
person can check against the figures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from .figures import Figure, compute_figure, fmt, fmt_bound, metric_name, passes, plain
from .params import OPS
from .types import MetricSpec, OperatorRecord, OutcomeRecord, ScoringItemSpec, SubResult, ZoneFacts

ZERO = Decimal(0)
REGION_LABELS = {"east": "东部", "central": "中部", "west": "西部"}
OUTCOME_LABELS = {"law": "法规", "rule": "规章", "normative": "规范性文件", "standard": "标准"}

Rule = Callable[[ScoringItemSpec, ZoneFacts, Mapping[str, MetricSpec]], SubResult]


def _points(value: Decimal) -> str:
    return f"{plain(value)}分"


def _result(item: ScoringItemSpec, points: Decimal, explanation: str, missing: tuple[str, ...] = ()) -> SubResult:
    points = max(ZERO, min(points, item.points))
    return SubResult(
        code=item.code,
        label=item.label,
        rule_type=item.rule_type,
        points=points,
        max=item.points,
        explanation=explanation,
        missing=tuple(dict.fromkeys(missing)),
    )


def _describe(figure: Figure, *against: Any) -> str:
    note = f"（{figure.note}）" if figure.note else ""
    return f"{figure.label} {fmt(figure.value, figure.unit, against)}{note}"


def _missing_text(missing: tuple[str, ...]) -> str:
    return "缺少数据：" + "、".join(missing)


def _band_points(value: Decimal, bands: list[Mapping[str, Any]]) -> tuple[Decimal, Mapping[str, Any] | None]:
    """Bands include both bounds (均含本数); on a shared bound the higher band wins."""
    best: tuple[Decimal, Mapping[str, Any] | None] = (ZERO, None)
    for band in bands:
        low = Decimal(str(band["min"]))
        high = Decimal(str(band["max"])) if band.get("max") is not None else None
        if value >= low and (high is None or value <= high):
            points = Decimal(str(band["points"]))
            if best[1] is None or points > best[0]:
                best = (points, band)
    return best


def _band_text(band: Mapping[str, Any], unit: str) -> str:
    if band.get("max") is None:
        return f"{fmt_bound(band['min'], unit)}及以上"
    return f"{fmt_bound(band['min'], unit)}–{fmt_bound(band['max'], unit)}"


def yearly_vs_benchmark(item: ScoringItemSpec, facts: ZoneFacts, metrics: Mapping[str, MetricSpec]) -> SubResult:
    params = item.params
    yes, no = OPS[params["op"]]
    per_year = Decimal(str(params["points_per_year"]))
    bench_name = metric_name(metrics, params["benchmark"])
    total, parts, missing = ZERO, [], []
    for year in sorted(facts.reference_years):
        figure = compute_figure(params["figure"], year, facts, metrics)
        bench = facts.benchmarks.get((params["benchmark"], year))
        year_missing = list(figure.missing)
        if bench is None:
            year_missing.append(f"{year}年 {facts.benchmark_scope}{bench_name}")
        if year_missing:
            missing += year_missing
            parts.append(f"{year}年 {_missing_text(tuple(year_missing))}，不得分")
            continue
        bench = Decimal(bench)
        if passes(figure.value, params["op"], bench):
            total += per_year
            verdict = f"{yes}{facts.benchmark_scope} {fmt(bench)}，得{_points(per_year)}"
        else:
            verdict = f"{no}{facts.benchmark_scope} {fmt(bench)}，不得分"
        parts.append(f"{year}年 本地{_describe(figure, bench)} {verdict}")
    return _result(item, total, "；".join(parts) + f"。合计{_points(min(total, item.points))}。", tuple(missing))


def yearly_vs_series(item: ScoringItemSpec, facts: ZoneFacts, metrics: Mapping[str, MetricSpec]) -> SubResult:
    params = item.params
    yes, no = OPS[params["op"]]
    per_year = Decimal(str(params["points_per_year"]))
    total, parts, missing = ZERO, [], []
    for year in sorted(facts.reference_years):
        left = compute_figure(params["figure"], year, facts, metrics)
        right = compute_figure(params["other"], year, facts, metrics)
        year_missing = left.missing + right.missing
        if year_missing:
            missing += year_missing
            parts.append(f"{year}年 {_missing_text(year_missing)}，不得分")
            continue
        if passes(left.value, params["op"], right.value):
            total += per_year
            parts.append(
                f"{year}年 {_describe(left, right.value)} {yes}{_describe(right, left.value)}，得{_points(per_year)}"
            )
        else:
            parts.append(f"{year}年 {_describe(left, right.value)} {no}{_describe(right, left.value)}，不得分")
    return _result(item, total, "；".join(parts) + f"。合计{_points(min(total, item.points))}。", tuple(missing))


def ratio_bands(item: ScoringItemSpec, facts: ZoneFacts, metrics: Mapping[str, MetricSpec]) -> SubResult:
    year = facts.latest_year
    figure = compute_figure(item.params["figure"], year, facts, metrics)
    if not figure.ok:
        return _result(item, ZERO, f"{year}年 {_missing_text(figure.missing)}，得0分。", figure.missing)
    points, band = _band_points(figure.value, item.params["bands"])
    bounds = tuple(b[k] for b in item.params["bands"] for k in ("min", "max") if b.get(k) is not None)
    shown = fmt(figure.value, "%", bounds)
    if band is None:
        lowest = min(item.params["bands"], key=lambda b: Decimal(str(b["min"])))
        text = f"{year}年 {figure.label} 为 {shown}，低于 {fmt_bound(lowest['min'])}，不得分。"
    else:
        text = f"{year}年 {figure.label} 为 {shown}，在 {_band_text(band, '%')} 区间（均含本数），得{_points(points)}。"
    return _result(item, points, text)


def _money(wan: Decimal) -> str:
    """万元 as the official text writes it: 20000 → "2亿元", 5000 → "5000万元"."""
    if wan >= 10000 and wan % 10000 == 0:
        return f"{plain(wan / 10000)}亿元"
    return f"{plain(wan)}万元"


def qualifying_count(item: ScoringItemSpec, facts: ZoneFacts, metrics: Mapping[str, MetricSpec]) -> SubResult:
    params = item.params
    category = facts.region_category
    if category not in params["thresholds"]:
        return _result(item, ZERO, "未设定创建对象的东中西部划分，得0分。", ("东中西部划分",))
    threshold = Decimal(str(params["thresholds"][category]))
    yes, _no = OPS[params["op"]]
    years = sorted(facts.reference_years)
    entries: tuple[OperatorRecord, ...] = tuple(facts.lists.get("operators", ()))
    rule_text = (
        f"{REGION_LABELS.get(category, category)}地区标准：年度电子商务销售额{yes}{_money(threshold)}"
        f"（{years[0]}—{years[-1]}年）"
    )
    if not entries:
        missing = ("规模以上网络交易经营者名单（未填报）",)
        return _result(item, ZERO, f"{rule_text}；未填报新增规模以上网络交易经营者，得0分。", missing)
    qualifying: dict[str, OperatorRecord] = {}
    for entry in sorted(entries, key=lambda e: (e.year, -Decimal(e.annual_sales))):
        if entry.year in years and passes(Decimal(entry.annual_sales), params["op"], threshold):
            qualifying.setdefault(entry.credit_code, entry)
    count = len(qualifying)
    points, _band = _band_points(Decimal(count), params["bands"])
    names = "、".join(f"{e.name}（{e.year}年 {_money(Decimal(e.annual_sales))}）" for e in qualifying.values())
    listed = f"：{names}" if names else ""
    text = f"{rule_text}；符合条件的网络交易经营者 {count} 家{listed}，得{_points(points)}。"
    return _result(item, points, text)


def capped_count(item: ScoringItemSpec, facts: ZoneFacts, metrics: Mapping[str, MetricSpec]) -> SubResult:
    params = item.params
    kinds = set(params["kinds"])
    entries: tuple[OutcomeRecord, ...] = tuple(facts.lists.get("outcomes", ()))
    if not entries:
        missing = ("制度化、标准化成果清单（未填报）",)
        return _result(item, ZERO, "未填报制度化、标准化成果，得0分。", missing)
    counted = [e for e in entries if e.kind in kinds]
    each, cap = Decimal(str(params["points_each"])), Decimal(str(params["cap"]))
    points = min(each * len(counted), cap)
    titles = "、".join(f"《{e.title}》（{OUTCOME_LABELS.get(e.kind, e.kind)}）" for e in counted)
    text = (
        f"形成成果 {len(counted)} 项{('：' + titles) if titles else ''}；"
        f"每项{_points(each)}，最高{_points(cap)}，得{_points(points)}。"
    )
    return _result(item, points, text)


def _conditions(item: ScoringItemSpec, facts: ZoneFacts, metrics: Mapping[str, MetricSpec], bound_of) -> SubResult:
    year = facts.latest_year
    parts, missing, all_pass = [], [], True
    for cond in item.params["conditions"]:
        figure = compute_figure(cond["figure"], year, facts, metrics)
        bound, bound_text, bound_missing = bound_of(cond, year, figure)
        if figure.missing or bound_missing:
            missing += list(figure.missing) + list(bound_missing)
            all_pass = False
            continue
        yes, no = OPS[cond["op"]]
        ok = passes(figure.value, cond["op"], bound)
        all_pass &= ok
        parts.append(f"{_describe(figure, bound)} {yes if ok else no}{bound_text}")
    if missing:
        text = f"{year}年 {_missing_text(tuple(dict.fromkeys(missing)))}，得0分。"
        return _result(item, ZERO, text, tuple(missing))
    verdict = f"得{_points(item.points)}" if all_pass else "不得分"
    return _result(item, item.points if all_pass else ZERO, f"{year}年 " + "；".join(parts) + f"，{verdict}。")


def threshold(item: ScoringItemSpec, facts: ZoneFacts, metrics: Mapping[str, MetricSpec]) -> SubResult:
    def bound_of(cond, year, figure):
        return Decimal(str(cond["bound"])), f" {fmt_bound(cond['bound'], figure.unit)}", ()

    return _conditions(item, facts, metrics, bound_of)


def vs_benchmark(item: ScoringItemSpec, facts: ZoneFacts, metrics: Mapping[str, MetricSpec]) -> SubResult:
    def bound_of(cond, year, figure):
        value = facts.benchmarks.get((cond["benchmark"], year))
        name = metric_name(metrics, cond["benchmark"])
        if value is None:
            return None, "", (f"{year}年 {facts.benchmark_scope}{name}",)
        return Decimal(value), f"{facts.benchmark_scope} {fmt(Decimal(value), figure.unit)}", ()

    return _conditions(item, facts, metrics, bound_of)


def _pending(item: ScoringItemSpec) -> SubResult:
    return _result(item, ZERO, "尚未评审，暂计0分。", ("待评审",))


def _judged_text(points: Decimal, maximum: Decimal, comment: str) -> str:
    if points >= maximum:
        verdict = "符合"
    elif points <= 0:
        verdict = "不符合"
    else:
        verdict = "部分符合"
    tail = f"评审意见：{comment}" if comment else ""
    return f"评审认定{verdict}，得{_points(min(points, maximum))}。{tail}"


def judged(item: ScoringItemSpec, facts: ZoneFacts, metrics: Mapping[str, MetricSpec]) -> SubResult:
    """checklist and expert: a person's points between 0 and the item's points."""
    judgement = facts.judgements.get(item.code)
    if judgement is None or judgement.points is None:
        return _pending(item)
    points = Decimal(judgement.points)
    text = _judged_text(points, item.points, judgement.comment)
    if points > item.points:
        text += f"（评审分超过分值，按{_points(item.points)}计）"
    return _result(item, points, text)


def any_one(item: ScoringItemSpec, facts: ZoneFacts, metrics: Mapping[str, MetricSpec]) -> SubResult:
    judgement = facts.judgements.get(item.code)
    if judgement is None:
        return _pending(item)
    if not judgement.options and judgement.points is not None and judgement.points > 0:
        # A round's aggregate over several evaluators is points, not options.
        return judged(item, facts, metrics)
    options = item.params["options"]
    met = sorted({i for i in judgement.options if 1 <= i <= len(options)})
    tail = f"评审意见：{judgement.comment}" if judgement.comment else ""
    if not met:
        return _result(item, ZERO, f"评审认定不符合所列任一情形，不得分。{tail}")
    listed = "、".join(f"第{i}项" for i in met)
    return _result(item, item.points, f"符合{listed}情形（符合一项即可），得{_points(item.points)}。{tail}")


JUDGED_RULES = frozenset({"checklist", "expert", "any_one"})

RULES: dict[str, Rule] = {
    "yearly_vs_benchmark": yearly_vs_benchmark,
    "yearly_vs_series": yearly_vs_series,
    "ratio_bands": ratio_bands,
    "qualifying_count": qualifying_count,
    "capped_count": capped_count,
    "threshold": threshold,
    "vs_benchmark": vs_benchmark,
    "checklist": judged,
    "expert": judged,
    "any_one": any_one,
}
