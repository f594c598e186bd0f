"""Canonical networks from the papers, each a function returning a built :class:`Model`.

``MODELS`` maps the names that ``spiker run NAME`` accepts to these functions. Each function
carries, through :func:`catalogue`, a one-line ``summary`` (``spiker run --list``), the parameter
that ``spiker run NAME:VALUE`` sets (``variant``) and the allowed values of its parameters
(``choices``); its other keyword parameters are what ``--param NAME=VALUE`` sets. A new model is
one such function and one line in ``MODELS``; its ``Model`` subclass may override ``figure``.
"""

from spiker.models.base import Model, catalogue
from spiker.models.brunel2000 import PANELS_2000, brunel2000
from spiker.models.cuba import cuba
from spiker.models.distal_reward import distal_reward
from spiker.models.feedforward import feedforward_stdp
from spiker.models.izhikevich2003 import izhikevich2003
from spiker.models.izhikevich2004 import FEATURES_2004, feature_current, izhikevich2004
from spiker.models.polychronization import polychronization
from spiker.models.stdp_competition import stdp_competition

MODELS = {
    "brunel2000": brunel2000,
    "cuba": cuba,
    "distal_reward": distal_reward,
    "feedforward_stdp": feedforward_stdp,
    "izhikevich2003": izhikevich2003,
    "izhikevich2004": izhikevich2004,
    "polychronization": polychronization,
    "stdp_competition": stdp_competition,
}

__all__ = [
    "FEATURES_2004",
    "PANELS_2000",
    "brunel2000",
    "cuba",
    "distal_reward",
    "MODELS",
    "Model",
    "catalogue",
    "feature_current",
    "feedforward_stdp",
    "izhikevich2003",
    "izhikevich2004",
    "polychronization",
    "stdp_competition",
]
