"""Forms for statistics and list inputs. They only collect; the checks live in evidence.data.services."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from zones.models import Zone

from ..models import DataValue, Evidence, OutcomeEntry
from .selectors import EvidenceOffer, MetricNeed, ZoneDataNeeds
from .services import UNSET, FigureRow, ListSpec, figures_clean, plain

NO_EVIDENCE = ("", "—")
# How many of a metric's pieces of evidence each of its selects lists (the newest); the rest are
# found with the metric's search box (data:evidence-options), so the page does not grow with the zone.
EVIDENCE_OFFERED = 10


@dataclass
class YearInputs:
    year: int
    value: BoundField
    growth: BoundField | None
    source: BoundField
    evidence: BoundField | None
    stored: DataValue | None
    locked: bool = False  # a submitted round read this year: shown disabled


class EvidenceField(forms.ChoiceField):
    """A select listing a few pieces of evidence that accepts any of ``allowed`` (found with the search box)."""

    def __init__(self, *, allowed: set[str], **kwargs):
        super().__init__(**kwargs)
        self.allowed = allowed

    def valid_value(self, value) -> bool:
        return str(value) in self.allowed


@dataclass
class MetricBlock:
    need: MetricNeed
    years: list[YearInputs] = field(default_factory=list)
    evidence_count: int = 0  # the metric's evidence the user may link

    @property
    def evidence_searchable(self) -> bool:
        return self.evidence_count > EVIDENCE_OFFERED and not self.locked

    @property
    def locked(self) -> bool:
        return bool(self.years) and all(y.locked for y in self.years)


def evidence_label(evidence: Evidence) -> str:
    return f"{evidence.indicator.code}. {evidence.title}（{evidence.get_status_display()}）"


class FigureForm(forms.Form):
    """One value (and, for growth metrics, an official growth rate), a source and evidence per metric and year."""

    def __init__(
        self,
        data=None,
        *,
        zone: Zone,
        needs: ZoneDataNeeds,
        keys: set[str],
        values: Mapping[tuple[str, int], DataValue],
        evidence: EvidenceOffer,
        locked_years: frozenset[int] = frozenset(),
    ):
        super().__init__(data)
        self.zone, self.needs, self.keys, self.values = zone, needs, keys, values
        self.locked_years = locked_years
        self._names: list[tuple[str, int, dict[str, str]]] = []
        self.blocks: list[MetricBlock] = []
        picked = self._picked(data, evidence)
        for key, need in needs.metrics.items():
            if key not in keys:
                continue
            allowed = evidence.ids_of(need.indicator_ids)
            newest = [e for e in evidence.newest if e.indicator_id in need.indicator_ids][:EVIDENCE_OFFERED]
            choices = [NO_EVIDENCE] + [(str(e.pk), evidence_label(e)) for e in newest]
            block = MetricBlock(need, evidence_count=len(allowed))
            for year in need.years:
                stored = values.get((key, year))
                link = getattr(stored, "evidence_link", None) if stored else None
                year_allowed, year_choices = allowed, choices
                if link is not None:
                    year_allowed = allowed | {str(link.evidence_id)}  # perhaps linked by someone else
                    if str(link.evidence_id) not in {value for value, _ in choices}:
                        year_choices = [*choices, (str(link.evidence_id), evidence_label(link.evidence))]
                names = {
                    "value": f"value-{key}-{year}",
                    "source": f"source-{key}-{year}",
                }
                self.fields[names["value"]] = forms.CharField(
                    required=False, initial=plain(stored.value) if stored else "", label=need.metric.name
                )
                if year in need.growth_years:
                    names["published_growth"] = f"growth-{key}-{year}"
                    self.fields[names["published_growth"]] = forms.CharField(
                        required=False,
                        initial=plain(stored.published_growth) if stored else "",
                        label=_("官方公布增速（%）"),
                    )
                self.fields[names["source"]] = forms.CharField(
                    required=False, initial=stored.source if stored else "", label=_("来源")
                )
                if year_allowed:
                    names["evidence"] = f"evidence-{key}-{year}"
                    chosen = picked.get(data.get(names["evidence"])) if data is not None else None
                    if chosen is not None and chosen[0] in year_allowed and chosen not in year_choices:
                        year_choices = [*year_choices, chosen]  # found with the search box
                    self.fields[names["evidence"]] = EvidenceField(
                        allowed=year_allowed,
                        required=False,
                        choices=year_choices,
                        initial=str(link.evidence_id) if link else "",
                        label=_("佐证材料"),
                    )
                self._names.append((key, year, names))
                block.years.append(
                    YearInputs(
                        year=year,
                        value=self[names["value"]],
                        growth=self[names["published_growth"]] if "published_growth" in names else None,
                        source=self[names["source"]],
                        evidence=self[names["evidence"]] if "evidence" in names else None,
                        stored=stored,
                        locked=year in locked_years,
                    )
                )
            self.blocks.append(block)
        if data is not None and locked_years:
            self._locked_inputs_as_stored()

    def _locked_inputs_as_stored(self) -> None:
        """A locked year's inputs are disabled on the page, so the browser leaves them out of the
        post: read a missing one as what is stored (unchanged), never as cleared. One that is
        sent (a page opened before the lock) is read as sent, and the service refuses it."""
        self.data = self.data.copy()
        for _key, year, names in self._names:
            if year not in self.locked_years:
                continue
            for field_name in names.values():
                if field_name not in self.data:
                    initial = self.fields[field_name].initial
                    self.data[field_name] = "" if initial is None else str(initial)

    @property
    def locked(self) -> bool:
        """Every input of the form is in a locked year: nothing to save."""
        return bool(self.blocks) and all(block.locked for block in self.blocks)

    @staticmethod
    def _picked(data, evidence: EvidenceOffer) -> dict[str, tuple[str, str]]:
        """The submitted evidence that is not among the newest, with its label (1 query, only when posted)."""
        if data is None:
            return {}
        listed = {e.pk for e in evidence.newest}
        ids = {
            int(value)
            for name, value in data.items()
            if name.startswith("evidence-")
            and str(value).isascii()
            and str(value).isdigit()
            and int(value) in evidence.items
        } - listed
        if not ids:
            return {}
        return {
            str(e.pk): (str(e.pk), evidence_label(e))
            for e in Evidence.objects.filter(pk__in=ids).select_related("indicator")
        }

    def figure_rows(self) -> list[FigureRow]:
        data = self.cleaned_data
        rows = []
        for key, year, names in self._names:
            row = FigureRow(metric=key, year=year)
            for attr, field_name in names.items():
                setattr(row, attr, data.get(field_name, ""))
            if "evidence" not in names:
                row.evidence = UNSET  # no choice offered: keep what is linked
            rows.append(row)
        return rows

    def clean(self):
        cleaned = super().clean()
        result = figures_clean(
            zone=self.zone, rows=self.figure_rows(), needs=self.needs, allowed_keys=self.keys, existing=self.values
        )
        for error in result.errors:
            names = self._names[error.index][2]
            self.add_error(names.get(error.field), error.message)
        return cleaned


# List inputs -------------------------------------------------------------------


class OperatorForm(forms.Form):
    name = forms.CharField(label=_("经营者名称"), max_length=200, required=False)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False)
    # A select, but checked by the service, so a stale or forged year gets the service's message.
    year = forms.CharField(label=_("年度"), required=False, widget=forms.Select)
    annual_sales = forms.CharField(label=_("年度电子商务销售额（万元）"), required=False)

    def __init__(self, *args, zone: Zone, evidence: list[Evidence], **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["year"].widget.choices = [("", "—")] + [(str(y), str(y)) for y in zone.reference_years]


class OutcomeForm(forms.Form):
    title = forms.CharField(label=_("成果名称"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=[("", "—"), *OutcomeEntry.Kind.choices], required=False)
    issued_on = forms.CharField(
        label=_("发布日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="2024-06-01"
    )
    evidence = forms.ChoiceField(label=_("佐证材料（可选）"), required=False)

    def __init__(self, *args, zone: Zone, evidence: list[Evidence], **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["evidence"].choices = [NO_EVIDENCE] + [(str(e.pk), evidence_label(e)) for e in evidence]


ENTRY_FORMS: dict[str, type[forms.Form]] = {"operators": OperatorForm, "outcomes": OutcomeForm}


def entry_form(spec: ListSpec, *args, **kwargs) -> forms.Form:
    form = ENTRY_FORMS[spec.name](*args, **kwargs)
    form.spec = spec
    return form


def entry_initial(spec: ListSpec, obj) -> dict:
    state = spec.state(obj)
    initial = {name: (plain(v) if name in ("annual_sales", "issued_on") else v) for name, v in state.items()}
    if "evidence" in initial:
        initial["evidence"] = str(initial["evidence"] or "")
    return initial
