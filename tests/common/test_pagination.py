"""common.pagination: a page of a list keeps the other query parameters, and the pager says how
many rows matched."""

from django.template.loader import render_to_string
from django.test import RequestFactory

from common.pagination import ApiPagination, page_of


def test_page_of_cuts_the_page_and_keeps_the_filters():
    request = RequestFactory().get("/x/", {"status": "submitted", "q": "信用", "page": "3"})
    listing = page_of(request, list(range(120)), per_page=50)
    assert list(listing.rows) == list(range(100, 120))
    assert listing.count == 120
    assert "page" not in listing.query and "status=submitted" in listing.query


def test_a_page_number_that_is_not_one_gives_a_page_not_an_error():
    for raw in ("abc", "-1", "999999999999999999999", "0"):
        listing = page_of(RequestFactory().get("/x/", {"page": raw}), list(range(120)), per_page=50)
        assert listing.page.number in (1, 3)


def test_pager_shows_the_count_and_links_with_the_filters():
    request = RequestFactory().get("/x/", {"status": "submitted", "page": "2"})
    html = render_to_string("common/_pagination.html", {"listing": page_of(request, list(range(120)), per_page=50)})
    assert "共 120 条" in html and "第 2 / 3 页" in html
    assert "?status=submitted&amp;page=3" in html and "?status=submitted&amp;page=1" in html


def test_api_pagination_has_a_bounded_page_size():
    assert ApiPagination.page_size == 50 and ApiPagination.max_page_size == 200
