"""One way to page a list, for the HTML pages and for the API.

Every list that grows with a zone (evidence, tasks, assignments, review queue, histories, notices,
logs) is shown a page at a time: ``page_of`` cuts the page and keeps the rest of the query string
(filters, search, sort) so a page can be shared and the back button works; the template
``common/_pagination.html`` draws the pager with the count of what matched. The API lists use
``ApiPagination`` (``count``, ``next``, ``previous``, ``results``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from rest_framework.pagination import PageNumberPagination

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Listing:
    """A page of a list and what the pager needs: ``query`` is the request's query string
    without ``page`` (to add ``&page=N`` to), ``count`` how many rows matched in all."""

    page: Page
    query: str

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def rows(self):
        return self.page.object_list


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def page_of(request: HttpRequest, rows, *, per_page: int = PAGE_SIZE, param: str = "page") -> Listing:
    """The requested page of ``rows`` (a queryset ordered by the caller, or a list). A page
    number that is not one, or past the end, gives the first or the last page (as Django's
    ``get_page`` does), never an error."""
    page = Paginator(rows, per_page).get_page(request.GET.get(param))
    return Listing(page=page, query=query_without_page(request))


class ApiPagination(PageNumberPagination):
    """API lists: 50 a page by default, ``page_size`` up to 200; the answer carries ``count``."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
