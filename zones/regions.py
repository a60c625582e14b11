"""The traditional three-region division (东部/中部/西部) of China's provinces.

Item 4 of the national indicator system sets its threshold by this division
(东部 2亿元, 中部 1亿元, 西部 5000万元). A province's category defaults from
this table; a zone may override it.
"""

from django.db import models


class RegionCategory(models.TextChoices):
    EAST = "east", "东部"
    CENTRAL = "central", "中部"
    WEST = "west", "西部"


# (full name, abbreviation, category)
PROVINCES: tuple[tuple[str, str, str], ...] = (
    ("北京市", "京", "east"),
    ("天津市", "津", "east"),
    ("河北省", "冀", "east"),
    ("辽宁省", "辽", "east"),
    ("上海市", "沪", "east"),
    ("江苏省", "苏", "east"),
    ("浙江省", "浙", "east"),
    ("福建省", "闽", "east"),
    ("山东省", "鲁", "east"),
    ("广东省", "粤", "east"),
    ("海南省", "琼", "east"),
    ("山西省", "晋", "central"),
    ("吉林省", "吉", "central"),
    ("黑龙江省", "黑", "central"),
    ("安徽省", "皖", "central"),
    ("江西省", "赣", "central"),
    ("河南省", "豫", "central"),
    ("湖北省", "鄂", "central"),
    ("湖南省", "湘", "central"),
    ("重庆市", "渝", "west"),
    ("四川省", "川", "west"),
    ("贵州省", "黔", "west"),
    ("云南省", "滇", "west"),
    ("西藏自治区", "藏", "west"),
    ("陕西省", "陕", "west"),
    ("甘肃省", "甘", "west"),
    ("青海省", "青", "west"),
    ("宁夏回族自治区", "宁", "west"),
    ("新疆维吾尔自治区", "新", "west"),
    ("广西壮族自治区", "桂", "west"),
    ("内蒙古自治区", "蒙", "west"),
)

_BY_NAME = {name: category for name, _abbr, category in PROVINCES}
_BY_ABBR = {abbr: category for _name, abbr, category in PROVINCES}


def category_for_province(name: str) -> str | None:
    """Category of a province given its full name or one-character abbreviation."""
    return _BY_NAME.get(name) or _BY_ABBR.get(name)
