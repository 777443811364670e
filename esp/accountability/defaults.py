"""The CAP template shipped with ESP Tracker (R-N6), under the path esp.programs.bootstrap
imports it by: the text lives in esp.accountability.documents, the write that creates it in
esp.accountability.services."""

from .documents import DEFAULT_CAP_TEMPLATE
from .services import load_default_cap_templates

__all__ = ["DEFAULT_CAP_TEMPLATE", "load_default_cap_templates"]
