"""Canonical networks from the papers, each a function returning a built :class:`Model`.

``MODELS`` maps the names that ``spiker run NAME`` accepts to these functions.
"""

from spiker.models.base import Model
from spiker.models.feedforward import feedforward_stdp
from spiker.models.izhikevich2003 import izhikevich2003
from spiker.models.izhikevich2004 import FEATURES_2004, feature_current, izhikevich2004
from spiker.models.polychronization import polychronization
from spiker.models.stdp_competition import stdp_competition

MODELS = {
    "feedforward_stdp": feedforward_stdp,
    "izhikevich2003": izhikevich2003,
    "izhikevich2004": izhikevich2004,
    "polychronization": polychronization,
    "stdp_competition": stdp_competition,
}

__all__ = [
    "FEATURES_2004",
    "MODELS",
    "Model",
    "feature_current",
    "feedforward_stdp",
    "izhikevich2003",
    "izhikevich2004",
    "polychronization",
    "stdp_competition",
]
