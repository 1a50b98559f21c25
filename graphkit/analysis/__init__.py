"""Algorithms on the projected graph: neighbours, paths, centrality, communities.

Each function takes a graph from :func:`graphkit.projection.project` and returns plain
data (lists of dicts) with the citations still attached.
"""

from graphkit.analysis.centrality import MEASURES, centrality
from graphkit.analysis.communities import communities
from graphkit.analysis.neighbors import neighbors
from graphkit.analysis.paths import NoPathError, paths

__all__ = ["MEASURES", "NoPathError", "centrality", "communities", "neighbors", "paths"]
