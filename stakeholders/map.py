"""The stakeholder map's two pictures, laid out on the server as plain numbers for inline SVG (no JavaScript).

Each picture comes with a table of the same data in the template, for screen readers and for reading exact values.
"""

import math
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import OrganisationKind, OrganisationRelation

SCALE = range(1, 6)
HIGH = 4  # influence or interest of 4 or 5 counts as high
GRID_CELL = 80  # px per step of the 1–5 scales
GRID_MARGIN = 60
QUADRANTS = {
    (True, True): _("manage closely"),
    (True, False): _("keep satisfied"),
    (False, True): _("keep informed"),
    (False, False): _("monitor"),
}
NETWORK_SIZE = 900
NETWORK_RADIUS = 320
LABEL_LENGTH = 22


@dataclass
class GridCell:
    influence: int
    interest: int
    count: int
    quadrant: str
    x: float
    y: float
    radius: float


def grid(*, counts: dict[tuple[int, int], int]) -> dict:
    """The influence/interest grid: rows from high influence down, a bubble per cell sized by its organisations."""
    largest = max(counts.values(), default=1)
    rows = []
    for influence in reversed(SCALE):
        row = []
        for interest in SCALE:
            count = counts.get((influence, interest), 0)
            row.append(
                GridCell(
                    influence=influence,
                    interest=interest,
                    count=count,
                    quadrant=QUADRANTS[(influence >= HIGH, interest >= HIGH)],
                    x=GRID_MARGIN + (interest - 0.5) * GRID_CELL,
                    y=(5 - influence + 0.5) * GRID_CELL,
                    # Area, not radius, in proportion to the count, so big cells do not look bigger than they are.
                    radius=round(GRID_CELL * 0.45 * math.sqrt(count / largest), 1) if count else 0,
                )
            )
        rows.append(row)
    return {"rows": rows, "size": GRID_MARGIN + 5 * GRID_CELL, "cell": GRID_CELL, "margin": GRID_MARGIN}


@dataclass
class Node:
    id: int
    name: str
    label: str
    kind: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str


def network(*, relations: list[OrganisationRelation], limit: int) -> dict:
    """The organisations with the most relations (at most `limit`) on a circle, grouped by kind, and their links."""
    degree = Counter()
    for relation in relations:
        degree[relation.source_id] += 1
        degree[relation.target_id] += 1
    organisations = {relation.source_id: relation.source for relation in relations}
    organisations |= {relation.target_id: relation.target for relation in relations}
    shown = {pk for pk, _count in degree.most_common(limit)}
    ordered = sorted(
        (organisations[pk] for pk in shown), key=lambda organisation: (organisation.kind, organisation.name)
    )
    centre = NETWORK_SIZE / 2
    nodes = {}
    for index, organisation in enumerate(ordered):
        angle = 2 * math.pi * index / max(len(ordered), 1) - math.pi / 2
        cos, sin = math.cos(angle), math.sin(angle)
        name = organisation.short_name or organisation.name
        nodes[organisation.pk] = Node(
            id=organisation.pk,
            name=organisation.name,
            label=name if len(name) <= LABEL_LENGTH else name[: LABEL_LENGTH - 1] + "…",
            kind=organisation.kind,
            x=round(centre + NETWORK_RADIUS * cos, 1),
            y=round(centre + NETWORK_RADIUS * sin, 1),
            label_x=round(centre + (NETWORK_RADIUS + 12) * cos, 1),
            label_y=round(centre + (NETWORK_RADIUS + 12) * sin + 4, 1),
            anchor="start" if cos >= 0 else "end",
        )
    edges = [
        {"source": nodes[r.source_id], "target": nodes[r.target_id], "relation": r}
        for r in relations
        if r.source_id in nodes and r.target_id in nodes
    ]
    kinds = [(kind, OrganisationKind(kind).label) for kind in OrganisationKind.values]
    return {
        "nodes": list(nodes.values()),
        "edges": edges,
        "size": NETWORK_SIZE,
        "truncated": len(organisations) > len(nodes),
        "connected": len(organisations),
        "kinds": kinds,
    }
