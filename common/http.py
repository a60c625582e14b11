"""HTTP helpers shared by every download."""

import re
from urllib.parse import quote


def attachment_disposition(filename: str, *, fallback: str) -> str:
    """RFC 6266 header: an ASCII ``filename`` for old clients, the real (Chinese) name in ``filename*``."""
    filename = re.sub(r'[\x00-\x1f\x7f\\/:*?"<>|]', "_", filename)
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", fallback)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
