"""Canonical networks from the papers, each a function returning a built :class:`Model`.

``MODELS`` maps the names that ``spiker run NAME`` accepts to these functions.
"""

from spiker.models.base import Model
from spiker.models.izhikevich2003 import izhikevich2003

MODELS = {"izhikevich2003": izhikevich2003}

__all__ = ["MODELS", "Model", "izhikevich2003"]
