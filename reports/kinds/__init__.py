"""Report kinds, one class each, found through ``REGISTRY`` (see base.py)."""

from . import bundle, pdf, scores  # noqa: F401 (each module registers its kinds)
from .base import REGISTRY, Content, Progress, Rendered, ReportKind, kind_get, kinds_in_order

__all__ = ["REGISTRY", "Content", "Progress", "Rendered", "ReportKind", "kind_get", "kinds_in_order"]
