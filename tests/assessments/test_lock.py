"""A submitted round locks the zone's evidence, figures (of the years it read), lists and
judgements: every write path refuses with a Chinese message naming the round and changes
nothing; reopening the round (with a reason) or the zone being in 整改 lets the same write through."""

import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from assessments import services
from assessments.models import AssessmentRound, Judgement
from evidence.data.excel import FIGURE_SHEET, LIST_SHEETS
from evidence.models import DataChange, DataValue, Evidence, EvidenceEvent, EvidenceFile, OperatorEntry
from evidence.services import evidence_submit
from indicators.models import Metric
from tests.assessments.round_helpers import sub, zone_at
from tests.evidence.conftest import evidence_x, item_12, responsible_x
from tests.evidence.evidence_helpers import PDF_BYTES, files_under, pdf_file, post_upload
from tests.evidence.test_data_fixtures import data_matrix, figure_post
from zones.models import Zone

pytestmark = pytest.mark.django_db
__all__ = ["data_matrix", "evidence_x", "item_12", "responsible_x"]  # fixtures used below

CODE = "91350100M000100Y43"  # GB 32100-2015's own example
OPERATOR = {"name": "甲电商有限公司", "credit_code": CODE, "year": "2024", "annual_sales": "26500"}


@pytest.fixture
def locked(zone_a):
    """Zone A's self-assessment for 2023–2024 (it read 2022–2024), submitted: the zone in 市级考评."""
    zone_at(zone_a, Zone.Status.CITY_REVIEW)
    return AssessmentRound.objects.create(
        zone=zone_a,
        kind=AssessmentRound.Kind.SELF,
        status=AssessmentRound.Status.SUBMITTED,
        submitted_at=timezone.now(),
        system=zone_a.system,
        reference_year_1=2023,
        reference_year_2=2024,
    )


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def retail():
    return Metric.objects.get(key="online_retail_sales")


@pytest.fixture
def value_2024(zone_a, retail):
    return DataValue.objects.create(zone=zone_a, metric=retail, year=2024, value=Decimal("381.2"))


@pytest.fixture
def operator(zone_a):
    return OperatorEntry.objects.create(zone=zone_a, name="甲电商有限公司", credit_code=CODE, year=2024, annual_sales=1)


def assert_locked(text: str) -> None:
    assert "“自评”评估轮次" in text and "已锁定" in text, text


def reopen(round: AssessmentRound, user) -> None:
    services.round_reopen(round=round, user=user, reason="补充材料后重新评估")


def page_messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def evidence_state():
    return (
        list(Evidence.objects.order_by("pk").values_list("pk", "status", "return_reason")),
        EvidenceFile.objects.count(),
        EvidenceEvent.objects.count(),
    )


def data_state():
    return (
        sorted(DataValue.objects.values_list("metric__key", "year", "value", "published_growth", "source")),
        sorted(OperatorEntry.objects.values_list("name", "credit_code", "year", "annual_sales")),
        DataChange.objects.count(),
    )


# The message ----------------------------------------------------------------------


def test_the_message_names_the_round_and_its_years(zone_a, locked):
    from zones.locks import zone_lock_reason

    message = zone_lock_reason(zone=zone_a)
    assert_locked(message)
    # Exactly the years locked: the reference years and the year before each (growth).
    assert "甲创建对象" in message and "2022—2024 年度" in message and "重开" in message
    assert zone_lock_reason(zone=zone_a, year=2022) == message  # the year before a reference year is read too
    assert zone_lock_reason(zone=zone_a, year=2025) is None


def test_years_apart_are_named_as_runs():
    from assessments.selectors import round_years_read
    from assessments.services.rounds import years_label

    assert years_label(round_years_read((2023, 2024))) == "2022—2024"
    assert years_label(round_years_read((2021, 2024))) == "2020—2021、2023—2024"


# Evidence ---------------------------------------------------------------------------


def test_evidence_page_upload_is_refused_then_accepted_after_reopening(
    client, liaison_x, office_a, zone_a, item_12, responsible_x, locked, media_root
):
    client.force_login(liaison_x)
    response = post_upload(client, zone_a, item_12, pdf_file())
    assert response.status_code == 400
    assert_locked(response.json()["error"])
    assert not Evidence.objects.exists() and files_under(media_root) == []

    reopen(locked, office_a)
    response = post_upload(client, zone_a, item_12, pdf_file())
    assert response.status_code == 201 and Evidence.objects.count() == 1


def test_evidence_page_new_version_and_submit_are_refused(client, liaison_x, office_a, zone_a, evidence_x, locked):
    before = evidence_state()
    client.force_login(liaison_x)
    version = client.post(
        reverse("evidence:upload-version", args=[zone_a.pk, evidence_x.pk]), {"file": pdf_file("v2.pdf", PDF_BYTES)}
    )
    assert version.status_code == 400
    assert_locked(version.json()["error"])
    submit = client.post(reverse("evidence:submit", args=[zone_a.pk, evidence_x.pk]))
    assert submit.status_code == 302
    assert_locked(page_messages(submit))
    assert evidence_state() == before

    reopen(locked, office_a)
    client.post(reverse("evidence:submit", args=[zone_a.pk, evidence_x.pk]))
    evidence_x.refresh_from_db()
    assert evidence_x.status == "submitted"


def test_evidence_api_upload_version_submit_and_review_are_refused(
    api, liaison_x, office_a, zone_a, item_12, responsible_x, evidence_x, locked, media_root
):
    stored = set(files_under(media_root))
    before = evidence_state()
    api.force_authenticate(liaison_x)
    responses = [
        api.post(
            reverse("api-evidence-upload", args=[zone_a.pk]),
            {"indicator": item_12.pk, "file": pdf_file()},
            format="multipart",
        ),
        api.post(
            reverse("api-evidence-version", args=[zone_a.pk, evidence_x.pk]),
            {"file": pdf_file("v2.pdf", PDF_BYTES + b"2")},
            format="multipart",
        ),
        api.post(reverse("api-evidence-submit", args=[zone_a.pk, evidence_x.pk])),
    ]
    for response in responses:
        assert response.status_code == 400, response.content
        assert_locked(response.content.decode())
    assert evidence_state() == before and set(files_under(media_root)) == stored

    reopen(locked, office_a)
    submitted = api.post(reverse("api-evidence-submit", args=[zone_a.pk, evidence_x.pk]))
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    api.force_authenticate(office_a)
    locked.status = AssessmentRound.Status.SUBMITTED  # submitted again: the review is refused too
    locked.save(update_fields=["status"])
    review = api.post(
        reverse("api-evidence-review", args=[zone_a.pk, evidence_x.pk]), {"decision": "accept"}, format="json"
    )
    assert review.status_code == 400
    assert_locked(review.content.decode())
    evidence_x.refresh_from_db()
    assert evidence_x.status == "submitted"


@pytest.mark.parametrize(("action", "data"), [("accept", {}), ("return", {"reason": "缺少盖章页"})])
def test_evidence_review_page_is_refused_then_accepted_after_reopening(
    client, liaison_x, office_a, zone_a, evidence_x, action, data, django_capture_on_commit_callbacks
):
    evidence_submit(evidence=evidence_x, user=liaison_x)
    zone_at(zone_a, Zone.Status.CITY_REVIEW)  # where a submitted 自评 leaves the zone
    round = AssessmentRound.objects.create(
        zone=zone_a,
        kind=AssessmentRound.Kind.SELF,
        status=AssessmentRound.Status.SUBMITTED,
        submitted_at=timezone.now(),
        system=zone_a.system,
        reference_year_1=2023,
        reference_year_2=2024,
    )
    before = evidence_state()
    client.force_login(office_a)
    url = reverse(f"evidence:{action}", args=[zone_a.pk, evidence_x.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    assert_locked(page_messages(response))
    assert evidence_state() == before
    assert not liaison_x.notifications.exists()

    reopen(round, office_a)
    client.post(url, data)
    evidence_x.refresh_from_db()
    assert evidence_x.status == ("accepted" if action == "accept" else "returned")


# Figures --------------------------------------------------------------------------


def test_figure_form_page_is_refused_then_accepted_after_reopening(
    client, office_a, zone_a, unit_x, data_matrix, value_2024, locked
):
    before = data_state()
    client.force_login(office_a)
    url = reverse("data:unit", args=[zone_a.pk, unit_x.pk])
    response = client.post(url, figure_post({("online_retail_sales", 2024): "390"}))
    assert response.status_code == 200
    assert_locked(response.content.decode())
    assert data_state() == before

    reopen(locked, office_a)
    assert client.post(url, figure_post({("online_retail_sales", 2024): "390"})).status_code == 302
    assert DataValue.objects.get(year=2024).value == Decimal("390")


def test_figure_form_page_accepts_a_year_the_round_did_not_read(
    client, office_a, zone_a, unit_x, data_matrix, value_2024, locked
):
    """The zone has moved on to 2024–2025: 2025 is open; 2024 (read by the round) stays locked."""
    Zone.objects.filter(pk=zone_a.pk).update(reference_year_1=2024, reference_year_2=2025)
    client.force_login(office_a)
    url = reverse("data:unit", args=[zone_a.pk, unit_x.pk])
    # The whole form comes back with 2024 unchanged: only what changes is asked about.
    unchanged = {("online_retail_sales", 2024): "381.2"}
    response = client.post(url, figure_post({**unchanged, ("online_retail_sales", 2025): "400"}))
    assert response.status_code == 302
    assert DataValue.objects.get(year=2025).value == Decimal("400")
    # A form touching a locked year is refused whole: 2025's change is not saved either.
    before = data_state()
    response = client.post(url, figure_post({("online_retail_sales", 2024): "1", ("online_retail_sales", 2025): "2"}))
    assert response.status_code == 200
    assert_locked(response.content.decode())
    assert data_state() == before


def test_figure_api_is_refused_then_accepted_after_reopening(api, office_a, zone_a, value_2024, locked):
    before = data_state()
    api.force_authenticate(office_a)
    url = reverse("api-data-values-upsert", args=[zone_a.pk])
    body = {"values": [{"metric": "online_retail_sales", "year": 2022, "value": 300}]}
    response = api.post(url, body, format="json")
    assert response.status_code == 400
    assert_locked(response.content.decode())
    assert data_state() == before

    reopen(locked, office_a)
    response = api.post(url, body, format="json")
    assert response.status_code == 200 and response.json()["changes"] == 1


def test_figure_api_accepts_a_year_the_round_did_not_read(api, office_a, zone_a, locked):
    Zone.objects.filter(pk=zone_a.pk).update(reference_year_1=2024, reference_year_2=2025)
    api.force_authenticate(office_a)
    url = reverse("api-data-values-upsert", args=[zone_a.pk])
    response = api.post(url, {"values": [{"metric": "online_retail_sales", "year": 2025, "value": 400}]}, format="json")
    assert response.status_code == 200, response.content
    assert DataValue.objects.get().year == 2025


def test_figure_writes_go_through_while_the_zone_is_in_rectification(api, office_a, zone_a, value_2024, locked):
    zone_at(zone_a, Zone.Status.RECTIFICATION)
    api.force_authenticate(office_a)
    url = reverse("api-data-values-upsert", args=[zone_a.pk])
    response = api.post(url, {"values": [{"metric": "online_retail_sales", "year": 2024, "value": 390}]}, format="json")
    assert response.status_code == 200, response.content
    assert DataValue.objects.get().value == Decimal("390")


# The Excel data import --------------------------------------------------------------


def _download(client, zone):
    response = client.get(reverse("data:template", args=[zone.pk]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _upload(client, zone, workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    file = SimpleUploadedFile("数据.xlsx", buffer.getvalue())
    return client.post(reverse("data:excel", args=[zone.pk]), {"file": file})


def _fill(ws, key, value):
    row = next(r for r in range(2, ws.max_row + 1) if (ws.cell(r, 1).value, ws.cell(r, 4).value) == key)
    ws.cell(row, 5).value = value


def test_excel_import_is_refused_whole_then_accepted_after_reopening(client, office_a, zone_a, value_2024, locked):
    client.force_login(office_a)
    workbook = _download(client, zone_a)
    _fill(workbook[FIGURE_SHEET], ("online_retail_sales", 2023), 352.8)
    before = data_state()
    response = _upload(client, zone_a, workbook)
    assert response.status_code == 200
    assert_locked(" ".join(response.context["errors"]))
    assert "未导入任何数据" in response.content.decode()
    assert data_state() == before

    reopen(locked, office_a)
    response = _upload(client, zone_a, workbook)
    assert response.status_code == 302
    assert DataValue.objects.filter(year=2023).exists()


def test_excel_import_of_an_unread_year_is_accepted_but_a_list_change_refuses_the_whole_file(
    client, office_a, zone_a, value_2024, locked
):
    Zone.objects.filter(pk=zone_a.pk).update(reference_year_1=2024, reference_year_2=2025)
    client.force_login(office_a)
    workbook = _download(client, zone_a)  # carries 2024 as stored, unchanged
    _fill(workbook[FIGURE_SHEET], ("online_retail_sales", 2025), 400)
    assert _upload(client, zone_a, workbook).status_code == 302
    assert DataValue.objects.get(year=2025).value == Decimal("400")

    workbook = _download(client, zone_a)
    _fill(workbook[FIGURE_SHEET], ("online_retail_sales", 2025), 410)
    workbook[LIST_SHEETS["operators"]].append([None, "乙电商有限公司", CODE, 2025, 100])
    before = data_state()
    response = _upload(client, zone_a, workbook)
    assert response.status_code == 200
    assert_locked(" ".join(response.context["errors"]))
    assert data_state() == before


# Lists --------------------------------------------------------------------------------


def test_list_entry_pages_are_refused_then_accepted_after_reopening(
    client, office_a, zone_a, data_matrix, operator, locked
):
    client.force_login(office_a)
    before = data_state()
    create = client.post(reverse("data:entries", args=[zone_a.pk, "outcomes"]), {"title": "电子商务促进条例"})
    add = client.post(reverse("data:entries", args=[zone_a.pk, "operators"]), {**OPERATOR, "year": "2023"})
    edit = client.post(
        reverse("data:entry-edit", args=[zone_a.pk, "operators", operator.pk]), {**OPERATOR, "annual_sales": "2"}
    )
    delete = client.post(reverse("data:entry-delete", args=[zone_a.pk, "operators", operator.pk]))
    assert create.status_code == add.status_code == edit.status_code == 200
    for response in (create, add, edit):
        assert_locked(response.content.decode())
    assert delete.status_code == 302
    assert_locked(page_messages(delete))
    assert data_state() == before

    reopen(locked, office_a)
    delete = client.post(reverse("data:entry-delete", args=[zone_a.pk, "operators", operator.pk]))
    assert delete.status_code == 302 and not OperatorEntry.objects.exists()


# The admin ------------------------------------------------------------------------


def test_admin_change_of_a_figure_shows_the_message_then_saves_after_reopening(
    client, office_a, zone_a, value_2024, locked
):
    client.force_login(office_a)
    url = reverse("admin:evidence_datavalue_change", args=[value_2024.pk])
    post = {"zone": zone_a.pk, "metric": value_2024.metric_id, "year": 2024, "value": "12.5", "source": "统计局"}
    before = data_state()
    response = client.post(url, post)
    assert response.status_code == 200
    assert_locked(response.content.decode())
    # Nor can it be deleted, one by one or in bulk.
    delete = client.post(reverse("admin:evidence_datavalue_delete", args=[value_2024.pk]), {"post": "yes"})
    assert delete.status_code == 302
    assert_locked(page_messages(delete))
    bulk = client.post(
        reverse("admin:evidence_datavalue_changelist"),
        {"action": "delete_selected", "_selected_action": [value_2024.pk], "post": "yes"},
    )
    assert bulk.status_code == 302
    assert_locked(page_messages(bulk))
    # Nor added for a year the round read.
    add = client.post(
        reverse("admin:evidence_datavalue_add"),
        {"zone": zone_a.pk, "metric": value_2024.metric_id, "year": 2022, "value": "1"},
    )
    assert add.status_code == 200
    assert_locked(add.content.decode())
    assert data_state() == before

    reopen(locked, office_a)
    assert client.post(url, post).status_code == 302
    value_2024.refresh_from_db()
    assert value_2024.value == Decimal("12.5")


def test_admin_add_of_a_figure_of_an_unread_year_is_accepted(client, office_a, zone_a, retail, locked):
    client.force_login(office_a)
    response = client.post(
        reverse("admin:evidence_datavalue_add"), {"zone": zone_a.pk, "metric": retail.pk, "year": 2025, "value": "1"}
    )
    assert response.status_code == 302
    assert DataValue.objects.get().year == 2025


def test_admin_change_of_an_operator_shows_the_message_then_saves_after_reopening(
    client, office_a, zone_a, operator, locked
):
    client.force_login(office_a)
    url = reverse("admin:evidence_operatorentry_change", args=[operator.pk])
    post = {"zone": zone_a.pk, "name": operator.name, "credit_code": CODE, "year": 2024, "annual_sales": "2"}
    before = data_state()
    response = client.post(url, post)
    assert response.status_code == 200
    assert_locked(response.content.decode())
    delete = client.post(reverse("admin:evidence_operatorentry_delete", args=[operator.pk]), {"post": "yes"})
    assert delete.status_code == 302
    assert_locked(page_messages(delete))
    assert data_state() == before

    reopen(locked, office_a)
    assert client.post(url, post).status_code == 302
    operator.refresh_from_db()
    assert operator.annual_sales == Decimal("2")


def test_the_admin_services_refuse_too(office_a, zone_a, value_2024, operator, locked):
    """A job or script calling the services directly is refused the same way."""
    from evidence.data.services import data_admin_delete, data_admin_save

    value_2024.value = Decimal("1")
    operator.annual_sales = Decimal("3")
    for call in (
        lambda: data_admin_save(obj=value_2024, user=office_a),
        lambda: data_admin_save(obj=operator, user=office_a),
        lambda: data_admin_delete(obj=operator, user=office_a),
    ):
        with pytest.raises(ValidationError) as error:
            call()
        assert_locked(" ".join(error.value.messages))
    assert DataValue.objects.get().value == Decimal("381.2")
    assert OperatorEntry.objects.get().annual_sales == Decimal("1")


# Judgements ---------------------------------------------------------------------


def test_live_judgement_is_refused_then_accepted_after_reopening_and_in_rectification(office_a, zone_a, locked):
    item = sub(zone_a, "12.1")
    with pytest.raises(ValidationError) as error:
        services.judgement_set(zone=zone_a, scoring_item=item, points=Decimal(1), user=office_a)
    assert_locked(" ".join(error.value.messages))
    assert not Judgement.objects.exists()

    zone_at(zone_a, Zone.Status.RECTIFICATION)
    services.judgement_set(zone=zone_a, scoring_item=item, points=Decimal(1), user=office_a)
    zone_at(zone_a, Zone.Status.SELF_ASSESSMENT)
    reopen(locked, office_a)
    judgement = services.judgement_set(
        zone=zone_a, scoring_item=item, points=Decimal("0.5"), comment="扣分理由", user=office_a
    )
    assert judgement.points == Decimal("0.5")


def test_evidence_upload_goes_through_while_the_zone_is_in_rectification(
    client, liaison_x, zone_a, item_12, responsible_x, locked
):
    zone_at(zone_a, Zone.Status.RECTIFICATION)
    client.force_login(liaison_x)
    assert post_upload(client, zone_a, item_12, pdf_file()).status_code == 201
