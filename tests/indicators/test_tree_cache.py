"""A published system's tree and level-3 list (the grids' rows and headers) are cached for every
user; a draft is never cached, so its change shows at once, and a revision is a new system."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Indicator, IndicatorSystem
from indicators.selectors import indicator_level3_list, indicator_system_tree
from indicators.services import indicator_system_publish, indicator_system_revise
from zones.models import Zone
from zones.selectors import responsibility_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def local_memory_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}}
    cache.clear()
    yield
    cache.clear()


def count(call):
    with CaptureQueriesContext(connection) as ctx:
        value = call()
    return value, len(ctx)


def names(tree):
    return [node.name for node in tree]


def test_a_published_tree_is_read_once(standard):
    system = IndicatorSystem.objects.get(code="CN-2024")
    first, cold = count(lambda: indicator_system_tree(system=system))
    second, warm = count(lambda: indicator_system_tree(system=system))
    assert cold == 2 and warm == 0
    assert names(second) == names(first) == ["促进发展", "规范监管", "优化服务", "探索创新", "综合保障"]
    assert [item.code for item in second[0].nodes[0].nodes[0].items] == [
        item.code for item in first[0].nodes[0].nodes[0].items
    ]
    rows, cold = count(lambda: indicator_level3_list(system=system))
    again, warm = count(lambda: indicator_level3_list(system=system))
    assert cold == 1 and warm == 0 and len(again) == len(rows) == 41
    assert again[0].parent.parent.name == "促进发展"


def test_a_draft_is_never_cached_so_its_change_shows_at_once(standard):
    published = IndicatorSystem.objects.get(code="CN-2024")
    draft = indicator_system_revise(system=published, code="CN-2024-R", version="2025")
    assert names(indicator_system_tree(system=draft))[0] == "促进发展"
    Indicator.objects.filter(system=draft, name="促进发展").update(name="促进网络经济发展")
    assert names(indicator_system_tree(system=draft))[0] == "促进网络经济发展"
    assert count(lambda: indicator_system_tree(system=draft))[1] == 2

    indicator_system_publish(system=draft)  # published now: cached from here on, under a new key
    assert names(indicator_system_tree(system=draft))[0] == "促进网络经济发展"
    assert count(lambda: indicator_system_tree(system=draft))[1] == 0
    assert names(indicator_system_tree(system=published))[0] == "促进发展"  # the original is untouched


def test_the_matrix_headers_come_from_the_cache(zone_a, unit_x):
    zone = Zone.objects.select_related("system").get(pk=zone_a.pk)
    _, cold = count(lambda: responsibility_matrix(zone=zone))
    matrix, warm = count(lambda: responsibility_matrix(zone=zone))
    assert warm == cold - 1  # the level-3 items and their dimensions are not read again
    assert [group.dimension.name for group in matrix.groups][:2] == ["促进发展", "规范监管"]
    assert len(matrix.rows) == 41
