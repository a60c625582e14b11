"""Dates one way everywhere (settings.FORMAT_MODULE_PATH): "2026-12-01", "2026-12-01 14:05".

Django's zh_Hans formats print "2026年12月1日", which breaks between any two characters inside
a narrow card, while templates mostly ask for ``|date:"Y-m-d"``: an unfiltered date and the
admin now read the same as the rest of the portal."""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "Y-m"
MONTH_DAY_FORMAT = "m-d"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M"]
