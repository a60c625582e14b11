"""What the audit middleware records for every request: refused access (403) and downloads;
and sign-in events in the chain beside the login log."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_refused_request_is_recorded_with_who_what_and_where(client, office_b, zone_a):
    client.force_login(office_b)
    url = reverse("zones:settings", args=[zone_a.pk])
    client.post(url, REMOTE_ADDR="10.1.2.3")  # 403 or 404: only a 403 is a refusal of something seen
    assert client.get(reverse("accounts:grants"), REMOTE_ADDR="10.1.2.3").status_code == 403
    event = AuditEvent.objects.get(action="access_denied")
    assert (event.actor_username, event.target_type, event.target_label, event.ip) == (
        "office_b", "accounts:grants", "/users/grants/", "10.1.2.3",
    )  # fmt: skip
    assert event.after_data == {"method": "GET", "path": "/users/grants/"}


def test_a_refused_api_request_is_recorded_too(client, liaison_x, zone_a):
    client.force_login(liaison_x)
    response = client.post(reverse("api-task-create", args=[zone_a.pk]), {}, content_type="application/json")
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="access_denied")
    assert event.zone_id == zone_a.pk and event.actor_username == "liaison_x"


def test_every_download_is_recorded(client, office_a, liaison_x, zone_a, unit_x, media_root):
    from datetime import date

    from tasks.models import Assignment, ProgressReport, Task

    task = Task.objects.create(zone=zone_a, title="任务", deadline=date(2030, 1, 1))
    assignment = Assignment.objects.create(task=task, unit=unit_x, due_date=date(2030, 1, 1))
    report = ProgressReport.objects.create(assignment=assignment, text="进展", percent=10, by=liaison_x)
    report.attachment.save("r.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    client.force_login(office_a)
    assert client.get(reverse("tasks:report-attachment", args=[report.pk])).status_code == 200
    assert client.get(reverse("tasks:ledger-export", args=[zone_a.pk])).status_code == 200
    downloads = AuditEvent.objects.filter(action="download").order_by("pk")
    assert [(d.target_type, d.target_id, d.zone_id) for d in downloads] == [
        ("tasks:report-attachment", str(report.pk), None),
        ("tasks:ledger-export", "", zone_a.pk),
    ]
    assert all(d.actor_username == "office_a" for d in downloads)


def test_sign_in_events_are_in_the_chain(client):
    UserFactory(username="zhang", password="Right@2024!")
    client.post(reverse("login"), {"username": "zhang", "password": "wrong"})
    client.post(reverse("login"), {"username": "zhang", "password": "Right@2024!"})
    client.post(reverse("logout"))
    assert list(AuditEvent.objects.order_by("pk").values_list("action", "target_label", "actor_username")) == [
        ("login_failed", "zhang", ""),
        ("login", "zhang", "zhang"),
        ("logout", "zhang", "zhang"),
    ]
