"""Hostile files at every import and upload: XXE and entity expansion, zip bombs, disguised and
polyglot files, broken packages. Each is refused in Chinese with nothing written."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.hostile.hostile_helpers import (
    EXE,
    HTML,
    JPEG,
    LAUGHS,
    PDF,
    PNG,
    SVG,
    XXE,
    XXE_HTTP,
    broken_sheet_xml,
    many_entries_zip,
    not_a_workbook_zip,
    polyglot,
    refused,
    truncated_xlsx,
    with_doctype,
    xlsx_bytes,
    zip_bomb_xlsx,
    zip_of,
)

pytestmark = pytest.mark.django_db

# What an .xlsx import must refuse: (id, builder of the bytes).
BAD_WORKBOOKS = {
    "xxe-sheet": lambda: with_doctype(xlsx_bytes(), "xl/worksheets/sheet1.xml", XXE),
    "xxe-http-workbook": lambda: with_doctype(xlsx_bytes(), "xl/workbook.xml", XXE_HTTP),
    "xxe-content-types": lambda: with_doctype(xlsx_bytes(), "[Content_Types].xml", XXE),
    "billion-laughs-styles": lambda: with_doctype(xlsx_bytes(), "xl/styles.xml", LAUGHS),
    "dtd-utf16-sheet": lambda: with_doctype(xlsx_bytes(), "xl/worksheets/sheet1.xml", XXE, encoding="utf-16"),
    "zip-bomb": lambda: zip_bomb_xlsx(),
    "ten-thousand-entries": lambda: many_entries_zip(),
    "truncated": lambda: truncated_xlsx(),
    "zip-without-workbook": lambda: not_a_workbook_zip(),
    "broken-sheet-xml": lambda: broken_sheet_xml(),
    "pdf-named-xlsx": lambda: PDF,
    "exe-named-xlsx": lambda: EXE,
    "html-named-xlsx": lambda: HTML,
    "empty": lambda: b"",
    "pdf-zip-polyglot": lambda: polyglot(PDF),
}


@pytest.fixture(scope="module")
def bad_workbook_bytes():
    return {key: build() for key, build in BAD_WORKBOOKS.items()}


def workbook_upload(content: bytes, name: str = "导入.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@pytest.fixture
def importer(world):
    """A staff account allowed to import indicator systems."""
    from tests.factories import UserFactory

    user = UserFactory(username="importer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_indicatorsystem"))
    return user


IMPORTS = {
    "task-import": ("office", lambda w: reverse("tasks:task-import", args=[w.zone.pk]), {}),
    "data-import": ("office", lambda w: reverse("data:excel", args=[w.zone.pk]), {}),
    "indicator-import": (
        "importer",
        lambda w: reverse("indicators:system-import"),
        {"code": "X-1", "name": "测试", "version": "1"},
    ),
}


@pytest.mark.parametrize("workbook", sorted(BAD_WORKBOOKS))
@pytest.mark.parametrize("endpoint", sorted(IMPORTS))
def test_a_hostile_workbook_is_refused(client, world, importer, bad_workbook_bytes, endpoint, workbook):
    persona, url, fields = IMPORTS[endpoint]
    client.force_login(importer if persona == "importer" else getattr(world, persona))
    refused(client, "post", url(world), {**fields, "file": workbook_upload(bad_workbook_bytes[workbook])})


# Uploads: evidence (page and API), a progress report's attachment, a new evidence version.

BAD_FILES = {
    "exe-named-pdf": ("通知.pdf", EXE),
    "html-named-pdf": ("通知.pdf", HTML),
    "svg-named-png": ("截图.png", SVG),
    "pdf-zip-polyglot": ("纪要.pdf", polyglot(PDF)),
    "jpeg-zip-polyglot": ("照片.jpg", polyglot(JPEG)),
    "png-zip-polyglot": ("截图.png", polyglot(PNG)),
    "rtl-disguised-exe": ("发票\u202efdp.exe", EXE),
    "double-extension": ("纪要.pdf.exe", PDF),
    "xlsx-named-pdf": ("台账.pdf", xlsx_bytes()),
    "docx-zip-bomb": ("方案.docx", None),  # built below (large)
    "empty-pdf": ("空.pdf", b""),
    "zip-named-docx": ("方案.docx", zip_of({"a.txt": b"x"})),
}


@pytest.fixture(scope="module")
def docx_bomb() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            block = b"\0" * (1024 * 1024)
            for _ in range(1200):  # 1.2 GB unpacked: past ten times the 100 MB limit
                entry.write(block)
    return buffer.getvalue()


def bad_file(key: str, docx_bomb: bytes) -> SimpleUploadedFile:
    name, content = BAD_FILES[key]
    return SimpleUploadedFile(name, docx_bomb if content is None else content, content_type="application/octet-stream")


UPLOADS = {
    "evidence-upload": (
        "liaison",
        lambda w: reverse("evidence:upload-file", args=[w.zone.pk]),
        lambda w: {"indicator": str(w.item_12.pk)},
        {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"},
    ),
    "evidence-upload-api": (
        "liaison",
        lambda w: f"/api/evidence/{w.zone.pk}/upload/",
        lambda w: {"indicator": str(w.item_12.pk)},
        {},
    ),
    "progress-attachment": (
        "liaison",
        lambda w: reverse("tasks:assignment-report", args=[w.task.assignments.get(unit=w.unit_y).pk]),
        lambda w: {"percent": "60", "text": "已完成初稿"},
        {},
    ),
}


@pytest.fixture
def liaison_y(world):
    from tests.factories import MembershipFactory, UserFactory
    from zones.models import Membership

    return MembershipFactory(
        user=UserFactory(username="liaison_y_h"), role=Membership.Role.LIAISON, zone=world.zone, unit=world.unit_y
    ).user


@pytest.mark.parametrize("file_key", sorted(BAD_FILES))
@pytest.mark.parametrize("endpoint", sorted(UPLOADS))
def test_a_hostile_upload_is_refused(client, world, liaison_y, docx_bomb, endpoint, file_key):
    persona, url, fields, headers = UPLOADS[endpoint]
    user = liaison_y if endpoint == "progress-attachment" else getattr(world, persona)
    client.force_login(user)
    field = "attachment" if endpoint == "progress-attachment" else "file"
    refused(client, "post", url(world), {**fields(world), field: bad_file(file_key, docx_bomb)}, **headers)


@pytest.mark.parametrize("endpoint", sorted(UPLOADS))
def test_a_good_file_is_accepted_at_the_same_place(client, world, liaison_y, endpoint):
    """The same request with a real PDF is stored: the cases above test the files."""
    from tests.hostile.hostile_helpers import database_state, media_files

    persona, url, fields, headers = UPLOADS[endpoint]
    client.force_login(liaison_y if endpoint == "progress-attachment" else getattr(world, persona))
    field = "attachment" if endpoint == "progress-attachment" else "file"
    before = database_state(), media_files()
    upload = SimpleUploadedFile("会议纪要.pdf", PDF, content_type="application/pdf")
    response = client.post(url(world), {**fields(world), field: upload}, **headers)
    assert response.status_code < 400, response.content[:300]
    assert database_state() != before[0] and media_files() != before[1]


@pytest.mark.parametrize("endpoint", sorted(IMPORTS))
def test_a_workbook_over_the_upload_limit_is_named_too_large(client, world, importer, settings, endpoint):
    """An import has no limit of its own: past UPLOAD_MAX_BYTES the file is cut off while it
    streams, and the answer says so (not "no file chosen")."""
    settings.UPLOAD_MAX_BYTES = 1024
    persona, url, fields = IMPORTS[endpoint]
    client.force_login(importer if persona == "importer" else getattr(world, persona))
    big = workbook_upload(xlsx_bytes() + b"\0" * 4096, name="大表.xlsx")
    response = refused(client, "post", url(world), {**fields, "file": big})
    assert "文件“大表.xlsx”超过 1 KB 的上传上限，已拒绝。" in response.content.decode()
