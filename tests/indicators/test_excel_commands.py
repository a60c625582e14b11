"""The Excel management commands and the two views of indicators.excel_views."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import path, reverse

from config import urls as project_urls
from indicators import excel_views
from indicators.excel import (
    SYSTEM_SHEET,
    workbook_to_system_data,
)
from tests.indicators.excel_helpers import (
    MB,
    edited,
    exported,
    national_data,
    small_system,
    zip_bomb,
)

# The views are wired into the project's URLs by the lead; these tests mount them
# next to the project's own URLs so they do not depend on the chosen paths.
urlpatterns = [
    path("excel-test/<int:system_id>/export.xlsx", excel_views.system_export_xlsx, name="excel-test-export"),
    path("excel-test/import/", excel_views.system_import, name="excel-test-import"),
    *project_urls.urlpatterns,
]


# ------------------------------------------------------------- management commands


@pytest.fixture
def stored_system(db):
    from indicators.services import indicator_system_create_from_data

    return indicator_system_create_from_data(data=small_system(), status="published")


@pytest.mark.django_db
def test_export_command_writes_the_workbook(stored_system, tmp_path):
    target = tmp_path / "out.xlsx"
    call_command("export_indicators", system="TEST-2024", output=str(target), stdout=io.StringIO())
    assert workbook_to_system_data(target) == small_system()


@pytest.mark.django_db
def test_export_command_unknown_system():
    with pytest.raises(CommandError, match="指标体系“NOPE”不存在"):
        call_command("export_indicators", system="NOPE", output="unused.xlsx")


@pytest.mark.django_db
def test_import_command_creates_a_draft(tmp_path):
    from indicators.models import IndicatorSystem

    out = io.StringIO()
    call_command("import_indicators", str(exported(tmp_path)), version="2025", code="TEST-2025", stdout=out)
    system = IndicatorSystem.objects.get(code="TEST-2025")
    assert (system.status, system.name, system.version) == ("draft", "测试指标体系", "2025")
    assert system.indicators.filter(level=3).count() == 5
    assert "已导入" in out.getvalue()


@pytest.mark.django_db
def test_import_command_lists_every_error_and_creates_nothing(tmp_path):
    from indicators.models import IndicatorSystem, Metric

    def edit(workbook):
        workbook[SYSTEM_SHEET]["C4"] = "1"
        workbook[SYSTEM_SHEET]["A3"] = "促进发展（61分）"

    with pytest.raises(CommandError) as caught:
        call_command("import_indicators", str(edited(tmp_path, edit)))
    lines = str(caught.value).splitlines()
    assert "第4行：编号“1”重复（与第3行相同）" in lines
    assert "一级指标合计 101 分，应为 100 分" in lines
    assert not IndicatorSystem.objects.exists()
    assert not Metric.objects.exists()


@pytest.mark.django_db
def test_import_command_reports_service_errors(stored_system, tmp_path):
    from indicators.models import IndicatorSystem

    with pytest.raises(CommandError, match="TEST-2024"):
        call_command("import_indicators", str(exported(tmp_path)))
    assert IndicatorSystem.objects.count() == 1


@pytest.mark.django_db
def test_national_system_round_trips_through_the_database(tmp_path):
    from indicators.models import IndicatorSystem
    from indicators.selectors import indicator_system_to_data
    from indicators.services import indicator_system_create_from_data

    original = indicator_system_create_from_data(data=national_data(), status="published")
    target = tmp_path / "national.xlsx"
    call_command("export_indicators", system=original.code, output=str(target), stdout=io.StringIO())
    call_command("import_indicators", str(target), code="CN-2024-COPY", stdout=io.StringIO())
    imported = IndicatorSystem.objects.get(code="CN-2024-COPY")
    assert imported.status == "draft"
    assert imported.indicators.filter(level=3).count() == 41
    expected = {**indicator_system_to_data(system=original), "code": "CN-2024-COPY"}
    assert indicator_system_to_data(system=imported) == expected


@pytest.mark.django_db
def test_import_command_uses_the_size_setting(tmp_path, settings):
    from indicators.models import IndicatorSystem

    settings.XLSX_MAX_UNPACKED_BYTES = 1 * MB
    with pytest.raises(CommandError, match="文件解压后超过 1 MB，已拒绝"):
        call_command("import_indicators", str(zip_bomb(tmp_path / "bomb.xlsx", 2 * MB)), code="X", version="1")
    assert not IndicatorSystem.objects.exists()


# -------------------------------------------------------------------------- views


@pytest.fixture
def excel_urls(settings):
    settings.ROOT_URLCONF = __name__


@pytest.fixture
def staff_importer(django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("importer", password="pw-123456789", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_indicatorsystem"))
    return user


def _upload_file(target: Path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(target.name, target.read_bytes(), content_type="application/octet-stream")


@pytest.mark.django_db
def test_export_view_downloads_a_published_system(excel_urls, client, django_user_model, stored_system):
    stored_system.name, stored_system.version = "网络市场监管与服务示范区评估指标体系", "2024"
    stored_system.save()
    client.force_login(django_user_model.objects.create_user("liaison", password="pw-123456789"))
    response = client.get(reverse("excel-test-export", args=[stored_system.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="indicator-system-TEST-2024.xlsx"; ')
    assert disposition.endswith("filename*=UTF-8''" + quote("网络市场监管与服务示范区评估指标体系-2024.xlsx"))
    data = workbook_to_system_data(io.BytesIO(response.content))
    assert data == {**small_system(), "name": "网络市场监管与服务示范区评估指标体系"}


@pytest.mark.django_db
def test_export_view_requires_login(excel_urls, client, stored_system):
    response = client.get(reverse("excel-test-export", args=[stored_system.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_export_view_hides_drafts_from_non_staff(excel_urls, client, admin_client, django_user_model, stored_system):
    stored_system.status = "draft"
    stored_system.save()
    client.force_login(django_user_model.objects.create_user("liaison", password="pw-123456789"))
    url = reverse("excel-test-export", args=[stored_system.pk])
    assert client.get(url).status_code == 404
    assert admin_client.get(url).status_code == 200


@pytest.mark.django_db
def test_import_view_shows_the_form(excel_urls, admin_client):
    response = admin_client.get(reverse("excel-test-import"))
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()


@pytest.mark.django_db
def test_import_view_creates_a_draft_and_redirects_to_admin(excel_urls, client, staff_importer, tmp_path):
    from indicators.models import IndicatorSystem

    client.force_login(staff_importer)
    response = client.post(
        reverse("excel-test-import"), {"file": _upload_file(exported(tmp_path)), "code": "WEB-1", "version": "1"}
    )
    system = IndicatorSystem.objects.get(code="WEB-1")
    assert system.status == "draft"
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:indicators_indicatorsystem_change", args=[system.pk])
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["已导入指标体系“测试指标体系（1）”（草稿），请核对后发布。"]


@pytest.mark.django_db
def test_import_view_lists_errors_and_creates_nothing(excel_urls, admin_client, tmp_path):
    from indicators.models import IndicatorSystem

    bad = edited(tmp_path, lambda wb: wb[SYSTEM_SHEET].cell(4, 3, "1"))
    response = admin_client.post(reverse("excel-test-import"), {"file": _upload_file(bad)})
    assert response.status_code == 200
    assert response.context["errors"][0] == "第4行：编号“1”重复（与第3行相同）"
    assert "第4行：编号“1”重复（与第3行相同）" in response.content.decode()
    assert not IndicatorSystem.objects.exists()


@pytest.mark.django_db
def test_import_view_rejects_a_zip_bomb(excel_urls, admin_client, tmp_path, settings):
    from indicators.models import IndicatorSystem

    settings.XLSX_MAX_UNPACKED_BYTES = 1 * MB
    bomb = zip_bomb(tmp_path / "bomb.xlsx", 2 * MB)
    response = admin_client.post(reverse("excel-test-import"), {"file": _upload_file(bomb)})
    assert response.context["errors"] == ["文件解压后超过 1 MB，已拒绝"]
    assert not IndicatorSystem.objects.exists()


@pytest.mark.django_db
def test_import_view_rejects_html(excel_urls, admin_client, tmp_path):
    page = tmp_path / "page.xlsx"
    page.write_text("<html><body>not excel</body></html>")
    response = admin_client.post(reverse("excel-test-import"), {"file": _upload_file(page)})
    assert response.context["errors"] == ["文件不是有效的 Excel(.xlsx)文件"]


@pytest.mark.django_db
def test_import_view_forbidden_without_permission(excel_urls, client, django_user_model, tmp_path):
    from django.contrib.auth.models import Permission

    from indicators.models import IndicatorSystem

    url = reverse("excel-test-import")
    staff = django_user_model.objects.create_user("staff", password="pw-123456789", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": _upload_file(exported(tmp_path))}).status_code == 403

    not_staff = django_user_model.objects.create_user("office", password="pw-123456789")
    not_staff.user_permissions.add(Permission.objects.get(codename="add_indicatorsystem"))
    client.force_login(not_staff)
    assert client.get(url).status_code == 403
    assert not IndicatorSystem.objects.exists()


@pytest.mark.django_db
def test_import_view_requires_login(excel_urls, client):
    response = client.get(reverse("excel-test-import"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
