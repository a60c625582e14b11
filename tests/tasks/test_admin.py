"""Task admin pages are scoped to the zones where the user manages tasks, and history is read-only."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_office_sees_only_its_zones_tasks_in_the_admin(client, office_a, office_b, task_xy, task_b, assignment_x):
    client.force_login(office_a)
    page = client.get(reverse("admin:tasks_task_changelist")).content.decode()
    assert "加大政策扶持力度" in page and "乙市的任务" not in page
    assert client.get(reverse("admin:tasks_task_change", args=[task_xy.pk])).status_code == 200
    assert client.get(reverse("admin:tasks_task_change", args=[task_b.pk])).status_code == 302  # not found → index
    event = assignment_x.events.get()
    assert client.get(reverse("admin:tasks_assignmentevent_change", args=[event.pk])).status_code == 200
    response = client.post(reverse("admin:tasks_assignmentevent_change", args=[event.pk]), {"reason": "改写历史"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.reason == ""

    client.force_login(office_b)
    page = client.get(reverse("admin:tasks_task_changelist")).content.decode()
    assert "乙市的任务" in page and "加大政策扶持力度" not in page
    assert client.get(reverse("admin:tasks_assignmentevent_change", args=[event.pk])).status_code == 302
