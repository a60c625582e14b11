"""The evidence pages: what each role sees, and a fixed number of queries however many rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence.services import evidence_create, evidence_submit
from tests.evidence.evidence_helpers import PDF_BYTES, pdf_file

pytestmark = pytest.mark.django_db


def make_evidence(zone, unit, indicator, user, count, *, submit=False):
    made = []
    for i in range(count):
        evidence = evidence_create(
            zone=zone, indicator=indicator, unit=unit, user=user, file=pdf_file(f"材料{i}.pdf", PDF_BYTES + bytes([i]))
        )
        if submit:
            evidence_submit(evidence=evidence, user=user)
        made.append(evidence)
    return made


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    ("persona", "url_name"),
    [("liaison_x", "evidence:list"), ("office_a", "evidence:list"), ("office_a", "evidence:queue")],
)
def test_lists_run_a_fixed_number_of_queries(
    client, request, persona, url_name, zone_a, unit_x, item_12, liaison_x, responsible_x
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    url = reverse(url_name, args=[zone_a.pk])
    make_evidence(zone_a, unit_x, item_12, liaison_x, 1, submit=True)
    client.get(url)  # warm the session and caches
    one = queries(client, url)
    make_evidence(zone_a, unit_x, item_12, liaison_x, 9, submit=True)
    ten = queries(client, url)
    assert one == ten
    assert client.get(url).content.decode().count('class="evidence-row"') == 10


def test_the_liaison_list_shows_status_badges_and_only_their_units_evidence(
    client, liaison_x, liaison_y, zone_a, unit_x, unit_y, item_12, item_13, responsible_x
):
    make_evidence(zone_a, unit_x, item_12, liaison_x, 2)
    evidence_create(zone=zone_a, indicator=item_13, unit=unit_y, user=liaison_y, file=pdf_file("统计局材料.pdf"))
    client.force_login(liaison_x)
    page = client.get(reverse("evidence:list", args=[zone_a.pk])).content.decode()
    assert page.count('class="evidence-row"') == 2 and "统计局材料" not in page
    assert 'data-status="draft"' in page and "草稿" in page
    assert "上传材料" in page and "审核队列" not in page


def test_the_office_list_shows_every_unit_and_the_queue_link(
    client, office_a, liaison_x, liaison_y, zone_a, unit_x, unit_y, item_12, item_13, responsible_x
):
    make_evidence(zone_a, unit_x, item_12, liaison_x, 1, submit=True)
    evidence_create(zone=zone_a, indicator=item_13, unit=unit_y, user=liaison_y, file=pdf_file("统计局材料.pdf"))
    client.force_login(office_a)
    page = client.get(reverse("evidence:list", args=[zone_a.pk])).content.decode()
    assert page.count('class="evidence-row"') == 2 and "审核队列（1）" in page


def test_the_queue_filters_by_unit_indicator_and_dimension(
    client, office_a, liaison_x, liaison_y, zone_a, unit_x, unit_y, item_12, item_13, responsible_x
):
    make_evidence(zone_a, unit_x, item_12, liaison_x, 2, submit=True)
    other = evidence_create(zone=zone_a, indicator=item_13, unit=unit_y, user=liaison_y, file=pdf_file("统计.pdf"))
    evidence_submit(evidence=other, user=liaison_y)
    make_evidence(zone_a, unit_x, item_12, liaison_x, 1)  # a draft: not in the queue
    client.force_login(office_a)
    url = reverse("evidence:queue", args=[zone_a.pk])

    def rows(**params):
        return client.get(url, params).content.decode().count('class="evidence-row"')

    assert rows() == 3
    assert rows(unit=unit_y.pk) == 1
    assert rows(indicator=item_12.pk) == 2
    assert rows(dimension=item_12.parent.parent_id) == 2 + (item_13.parent.parent_id == item_12.parent.parent_id)


def test_the_upload_page_offers_the_units_indicators_and_shows_the_criteria(
    client, liaison_x, zone_a, item_12, responsible_x
):
    client.force_login(liaison_x)
    url = reverse("evidence:upload", args=[zone_a.pk])
    page = client.get(url).content.decode()
    assert f'value="{item_12.pk}"' in page and "evidence-upload.js" in page
    page = client.get(url, {"indicator": item_12.pk}).content.decode()
    assert item_12.criteria.splitlines()[0][:20] in page
    item = item_12.scoring_items.first()
    assert item.label[:20] in page and 'id="id_scoring_item"' in page
    assert reverse("evidence:upload-file", args=[zone_a.pk]) in page


def test_the_upload_page_does_not_offer_other_units_indicators(client, liaison_y, zone_a, item_12, responsible_x):
    client.force_login(liaison_y)
    page = client.get(reverse("evidence:upload", args=[zone_a.pk]), {"indicator": item_12.pk}).content.decode()
    assert f'value="{item_12.pk}"' not in page and 'id="evidence-upload-form"' not in page


@pytest.mark.parametrize("persona", ["office_a", "evaluator_a", "reviewer_fujian"])
def test_the_upload_page_is_for_liaisons(client, request, persona, zone_a):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("evidence:upload", args=[zone_a.pk])).status_code == 403


def test_the_detail_page_previews_a_pdf_in_a_frame(client, office_a, liaison_x, zone_a, evidence_x):
    evidence_submit(evidence=evidence_x, user=liaison_x)
    client.force_login(office_a)
    page = client.get(reverse("evidence:detail", args=[zone_a.pk, evidence_x.pk])).content.decode()
    inline = reverse("evidence:file-inline", args=[zone_a.pk, evidence_x.files.get().pk])
    assert f'<iframe src="{inline}"' in page
    assert 'id="accept-button"' in page and 'id="return-button"' in page


def test_the_nav_link_leads_to_the_zone(client, liaison_x, zone_a):
    client.force_login(liaison_x)
    home = client.get(reverse("home")).content.decode()
    assert reverse("evidence:home") in home and "佐证材料" in home
    response = client.get(reverse("evidence:home"))
    assert response.status_code == 302 and response["Location"] == reverse("evidence:list", args=[zone_a.pk])


def test_a_user_of_several_zones_chooses_one(client, zone_a, zone_b):
    from tests.factories import MembershipFactory, UserFactory
    from zones.models import Membership

    user = UserFactory(username="two_zones")
    MembershipFactory(user=user, role=Membership.Role.EVALUATOR, zone=zone_a)
    MembershipFactory(user=user, role=Membership.Role.EVALUATOR, zone=zone_b)
    client.force_login(user)
    page = client.get(reverse("evidence:home")).content.decode()
    assert zone_a.name in page and zone_b.name in page
