"""The status flow 草稿 → 已提交 → 已采纳 / 退回 → (new version) → 已提交, every step an event row."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evidence.models import Evidence, EvidenceEvent
from evidence.services import evidence_accept, evidence_file_add, evidence_return, evidence_submit
from tests.evidence.evidence_helpers import PDF_BYTES, pdf_file

pytestmark = pytest.mark.django_db


def events(evidence):
    return list(
        EvidenceEvent.objects.filter(evidence=evidence)
        .order_by("at", "pk")
        .values_list("from_status", "to_status", "reason", "by__username")
    )


def submit_url(zone, evidence, action="submit"):
    return reverse(f"evidence:{action}", args=[zone.pk, evidence.pk])


def test_the_whole_flow_with_events(
    client, liaison_x, office_a, zone_a, evidence_x, django_capture_on_commit_callbacks
):
    client.force_login(liaison_x)
    assert client.post(submit_url(zone_a, evidence_x)).status_code == 302
    evidence_x.refresh_from_db()
    assert evidence_x.status == "submitted"

    client.force_login(office_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(submit_url(zone_a, evidence_x, "return"), {"reason": "缺少盖章页"})
    assert response.status_code == 302
    evidence_x.refresh_from_db()
    assert evidence_x.status == "returned" and evidence_x.return_reason == "缺少盖章页"
    assert evidence_x.reviewed_by == office_a and evidence_x.reviewed_at is not None
    assert liaison_x.notifications.get().body == "退回原因：缺少盖章页"  # under the liaison's bell

    # The liaison sees the reason, cannot resubmit the same file, uploads version 2 and resubmits.
    client.force_login(liaison_x)
    listing = client.get(reverse("evidence:list", args=[zone_a.pk])).content.decode()
    assert "缺少盖章页" in listing
    client.post(submit_url(zone_a, evidence_x))
    evidence_x.refresh_from_db()
    assert evidence_x.status == "returned"
    version = client.post(
        reverse("evidence:upload-version", args=[zone_a.pk, evidence_x.pk]),
        {"file": pdf_file("纪要（盖章）.pdf", PDF_BYTES + b"%stamp\n")},
    )
    assert version.status_code == 201 and version.json()["version"] == 2
    client.post(submit_url(zone_a, evidence_x))
    evidence_x.refresh_from_db()
    assert evidence_x.status == "submitted" and evidence_x.return_reason == ""

    client.force_login(office_a)
    assert client.post(submit_url(zone_a, evidence_x, "accept")).status_code == 302
    evidence_x.refresh_from_db()
    assert evidence_x.status == "accepted"
    assert events(evidence_x) == [
        ("", "draft", "", "liaison_x"),
        ("draft", "submitted", "", "liaison_x"),
        ("submitted", "returned", "缺少盖章页", "office_a"),
        ("returned", "submitted", "", "liaison_x"),
        ("submitted", "accepted", "", "office_a"),
    ]
    assert evidence_x.files.count() == 2


@pytest.mark.parametrize("reason", ["", "   "])
def test_return_requires_a_reason(client, office_a, zone_a, evidence_x, liaison_x, reason):
    evidence_submit(evidence=evidence_x, user=liaison_x)
    client.force_login(office_a)
    response = client.post(submit_url(zone_a, evidence_x, "return"), {"reason": reason}, follow=True)
    assert "必须填写退回原因" in response.content.decode()
    evidence_x.refresh_from_db()
    assert evidence_x.status == "submitted"
    with pytest.raises(ValidationError, match="必须填写退回原因"):
        evidence_return(evidence=evidence_x, user=office_a, reason=reason)
    assert EvidenceEvent.objects.filter(evidence=evidence_x, to_status="returned").count() == 0


def test_the_database_refuses_a_returned_row_without_reason(evidence_x):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.filter(pk=evidence_x.pk).update(status="returned", reviewed_at=timezone.now())


def test_a_notification_hook_is_called_after_commit(
    office_a, liaison_x, evidence_x, monkeypatch, django_capture_on_commit_callbacks
):
    import evidence.services as services

    called = []
    monkeypatch.setattr(services, "evidence_returned_notify", lambda evidence: called.append(evidence.pk))
    evidence_submit(evidence=evidence_x, user=liaison_x)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_return(evidence=evidence_x, user=office_a, reason="材料不清晰")
    assert called == [evidence_x.pk]


@pytest.mark.parametrize(
    ("action", "status"),
    [
        (lambda e, u: evidence_accept(evidence=e, user=u), "draft"),
        (lambda e, u: evidence_return(evidence=e, user=u, reason="x"), "draft"),
        (lambda e, u: evidence_submit(evidence=e, user=u), "submitted"),
        (lambda e, u: evidence_submit(evidence=e, user=u), "accepted"),
        (lambda e, u: evidence_return(evidence=e, user=u, reason="x"), "accepted"),
    ],
)
def test_steps_out_of_order_are_refused(evidence_x, office_a, action, status):
    from django.utils import timezone

    Evidence.objects.filter(pk=evidence_x.pk).update(status=status, reviewed_at=timezone.now())
    evidence_x.refresh_from_db()
    before = EvidenceEvent.objects.count()
    with pytest.raises(ValidationError, match="不能执行此操作"):
        action(evidence_x, office_a)
    evidence_x.refresh_from_db()
    assert evidence_x.status == status and EvidenceEvent.objects.count() == before


def test_a_new_version_after_the_return_allows_resubmission(evidence_x, liaison_x, office_a):
    evidence_submit(evidence=evidence_x, user=liaison_x)
    evidence_return(evidence=evidence_x, user=office_a, reason="请补充附件")
    with pytest.raises(ValidationError, match="上传新版本"):
        evidence_submit(evidence=evidence_x, user=liaison_x)
    evidence_file_add(evidence=evidence_x, user=liaison_x, file=pdf_file("补充.pdf", PDF_BYTES + b"1"))
    assert evidence_submit(evidence=evidence_x, user=liaison_x).status == "submitted"


@pytest.mark.parametrize("persona", ["liaison_x", "evaluator_a", "reviewer_fujian"])
def test_only_the_office_reviews(client, request, persona, zone_a, evidence_x, liaison_x):
    evidence_submit(evidence=evidence_x, user=liaison_x)
    client.force_login(request.getfixturevalue(persona))
    assert client.post(submit_url(zone_a, evidence_x, "accept")).status_code == 403
    assert client.post(submit_url(zone_a, evidence_x, "return"), {"reason": "x"}).status_code == 403
    assert client.get(reverse("evidence:queue", args=[zone_a.pk])).status_code == 403
    evidence_x.refresh_from_db()
    assert evidence_x.status == "submitted"


@pytest.mark.parametrize("persona", ["office_b", "reviewer_zhejiang", "outsider"])
def test_other_zones_see_nothing(client, request, persona, zone_a, evidence_x, liaison_x):
    evidence_submit(evidence=evidence_x, user=liaison_x)
    client.force_login(request.getfixturevalue(persona))
    assert client.post(submit_url(zone_a, evidence_x, "accept")).status_code == 404
    assert client.get(reverse("evidence:detail", args=[zone_a.pk, evidence_x.pk])).status_code == 404
    assert client.get(reverse("evidence:list", args=[zone_a.pk])).status_code == 404


def test_a_liaison_of_another_unit_can_neither_see_nor_submit(client, liaison_y, zone_a, evidence_x):
    client.force_login(liaison_y)
    assert client.get(reverse("evidence:detail", args=[zone_a.pk, evidence_x.pk])).status_code == 404
    assert client.post(submit_url(zone_a, evidence_x)).status_code == 404
    evidence_x.refresh_from_db()
    assert evidence_x.status == "draft"


def test_the_office_cannot_submit_for_a_unit(client, office_a, zone_a, evidence_x):
    client.force_login(office_a)
    assert client.post(submit_url(zone_a, evidence_x)).status_code == 403


def test_a_unit_with_evidence_cannot_be_deleted_but_its_zone_can(zone_a, unit_x, evidence_x):
    from django.db.models import RestrictedError

    with pytest.raises(RestrictedError):
        unit_x.delete()
    zone_a.delete()
    assert not Evidence.objects.exists()


def test_a_return_notifies_the_units_liaisons_once(
    liaison_x, liaison_y, office_a, evidence_x, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    evidence_submit(evidence=evidence_x, user=liaison_x)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_return(evidence=evidence_x, user=office_a, reason="缺少盖章页")
    mine = Notification.objects.get(recipient=liaison_x)
    assert mine.kind == "evidence_returned" and "缺少盖章页" in mine.body and evidence_x.title in mine.title
    assert not Notification.objects.filter(recipient=liaison_y).exists()  # another unit's liaison
    evidence_x.refresh_from_db()
    from evidence.services import evidence_returned_notify

    evidence_returned_notify(evidence_x)  # a repeated hook for the same return adds nothing
    assert Notification.objects.filter(recipient=liaison_x).count() == 1
