"""vis-network's drawing options for the view: fonts, edges, interaction and physics.

>>> vis_options("static", False, 42)["physics"]["enabled"]
False
"""

from __future__ import annotations

#: node and edge label font sizes, in canvas units
FONT_SIZE = 17
EDGE_FONT_SIZE = 11
EDGE_COLOR = "#9aa0a6"


def vis_options(layout: str, large: bool, seed: int) -> dict:
    """vis-network options: bounded physics for small graphs, a light static view for large ones."""
    options: dict = {
        "autoResize": True,
        "nodes": {
            "borderWidth": 1.5,
            "font": {
                "size": FONT_SIZE,
                "face": "system-ui, sans-serif",
                "color": "#1f1f1f",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            },
            "scaling": {"label": {"drawThreshold": 7 if large else 5, "maxVisible": 40}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": EDGE_COLOR, "highlight": "#202124", "hover": "#5f6368", "inherit": False},
            "font": {
                "size": EDGE_FONT_SIZE,
                "align": "horizontal",
                "color": "#3c4043",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            },
            # edge labels appear once zoomed in enough to read them (and on hover)
            "scaling": {"label": {"drawThreshold": 14, "maxVisible": 40}},
            "selectionWidth": 2,
            "width": 1,
            "smooth": False if large else {"enabled": True, "type": "continuous", "roundness": 0.3},
        },
        "interaction": {
            "hover": not large,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "multiselect": False,
            "navigationButtons": False,
            "keyboard": False,
            "tooltipDelay": 300,
        },
        "layout": {"improvedLayout": False, "randomSeed": seed},
    }
    if layout == "physics":
        options["physics"] = {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {
                "gravitationalConstant": -6000,
                "springLength": 140,
                "springConstant": 0.04,
                "avoidOverlap": 0.5,
            },
            "stabilization": {"enabled": True, "iterations": 200, "updateInterval": 25, "fit": True},
            "minVelocity": 1.0,
        }
    else:
        options["physics"] = {"enabled": False, "stabilization": {"enabled": False}}
    return options
