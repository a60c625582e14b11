"""What text the portal refuses anywhere: invisible control characters.

C0 and C1 control characters (other than tab, line feed and carriage return) have no place in
a name, a title or a number, and break exports and logs; the bidirectional embedding, override
and isolate characters (U+202A–U+202E, U+2066–U+2069) make text display other than it reads
(“invoice\u202efdp.exe” shows as “invoiceexe.pdf”). ``config.middleware.RequestGuardMiddleware``
refuses them in every query string, form (multipart included) and JSON body.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def forbidden_character(value: str) -> str | None:
    """The first forbidden character of ``value`` as U+XXXX, or None."""
    found = FORBIDDEN.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def text_refusal(value: str, *, label: str) -> str | None:
    """The Chinese message refusing ``value`` in the field ``label``, or None when it is fine."""
    code = forbidden_character(value)
    if code is None:
        return None
    return _("“%(label)s”含有不可见的控制字符（%(code)s），已拒绝。请删除后重新填写。") % {
        "label": label,
        "code": code,
    }
