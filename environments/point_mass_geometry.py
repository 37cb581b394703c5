"""Geometry of the point-mass tasks (``environments/point_mass.py``): the field and motion constants, and the
collision of a step's segment with the walls and the field border (the authors' point_mass_door.py checks,
continuous in time).

"""
import math
from typing import List, Optional, Tuple

__all__ = ['FIELD_SIZE', 'SPEED', 'SUBSTEP_DT', 'N_SUBSTEPS', 'COLLISION_REWARD', 'POINT_RADIUS',
           'WALL_HALF_THICKNESS', 'PointMassCollisions']

FIELD_SIZE = 150.0
SPEED = 3.0
SUBSTEP_DT = 0.2
N_SUBSTEPS = 3
COLLISION_REWARD = -2.0

#: Radius of the point mass (authors' ``_point_mass_radius``): it shrinks each door by 2 on both sides
#: and is the radius the agent is drawn with.
POINT_RADIUS = 2.0

#: Half thickness of the door task's walls (the authors' band ``y_wall - 2.5 < y < y_wall + 2.5``).
WALL_HALF_THICKNESS = 2.5


class PointMassCollisions:
    """
    The collision checks of a point-mass task (a mixin of ``environments.point_mass_dynamics.PointMassEnvBase``):
    they read ``field_size``, ``point_radius`` and the walls (``_walls()``) of the task.

    """
    field_size: float
    point_radius: float

    def _walls(self) -> List[Tuple[float, float, float, float]]:
        raise NotImplementedError

    def _inside(self, x: float, y: float) -> bool:
        return 0.0 <= x <= self.field_size and 0.0 <= y <= self.field_size

    def _first_collision(self, x0: float, y0: float, x1: float,
                         y1: float) -> Tuple[float, Optional[str]]:
        """
        Earliest collision of the segment (x0, y0) -> (x1, y1) with a wall or the field border.

        Returns:
            ``(t, kind)`` with ``t`` in ``[0, 1]`` the fraction of the segment at the contact and
            ``kind`` in ``('wall', 'field')``, or ``(1.0, None)`` without collision.

        """
        t_best, kind = 2.0, None
        r = self.point_radius
        for wy, half, door_low, door_high in self._walls():
            t = self._first_t_in_wall(x0, y0, x1, y1, wy, half, door_low + r, door_high - r)
            if t is not None and t < t_best:
                t_best, kind = t, 'wall'
        if not self._inside(x1, y1):
            t = 1.0
            size = self.field_size
            for p0, p1 in ((x0, x1), (y0, y1)):
                if p1 < 0.0:
                    t = min(t, (0.0 - p0) / (p1 - p0))
                elif p1 > size:
                    t = min(t, (size - p0) / (p1 - p0))
            t = max(0.0, t)
            if t < t_best:
                t_best, kind = t, 'field'
        if kind is None:
            return 1.0, None
        return t_best, kind

    @staticmethod
    def _first_t_in_wall(x0: float, y0: float, x1: float, y1: float, wy: float, half: float,
                         open_low: float, open_high: float) -> Optional[float]:
        """
        First parameter ``t`` in ``[0, 1]`` at which the segment meets the wall region
        ``{|y - wy| < half and not open_low < x < open_high}``, or None. The region is the union of
        two convex pieces (left ``x <= open_low``, right ``x >= open_high``); for each, the set of
        ``t`` in the piece is an interval (open ends from the open band, closed ends from the closed
        x half-planes and from ``[0, 1]``), and the answer is the lowest lower end of a non-empty one.

        """
        if max(y0, y1) <= wy - half or min(y0, y1) >= wy + half:  # never strictly inside the band
            return None
        inf = math.inf
        # t-interval of the open band: (lo, hi), both ends open
        dy = y1 - y0
        if dy == 0.0:
            if not abs(y0 - wy) < half:
                return None
            band = (-inf, inf)
        else:
            ta, tb = (wy - half - y0) / dy, (wy + half - y0) / dy
            band = (min(ta, tb), max(ta, tb))
        dx = x1 - x0
        best = None
        for edge, side in ((open_low, -1.0), (open_high, 1.0)):
            # t-interval of the closed half-plane side * (x - edge) >= 0: [lo, hi]
            if dx == 0.0:
                if side * (x0 - edge) < 0.0:
                    continue
                half_plane = (-inf, inf)
            else:
                t_edge = (edge - x0) / dx
                half_plane = (t_edge, inf) if side * dx > 0.0 else (-inf, t_edge)
            # intersect [0, 1] (closed), the band (open) and the half-plane (closed)
            lo, lo_closed = 0.0, True
            hi, hi_closed = 1.0, True
            for a, b, closed in ((band[0], band[1], False), (half_plane[0], half_plane[1], True)):
                if a > lo or (a == lo and not closed):
                    lo, lo_closed = a, closed
                if b < hi or (b == hi and not closed):
                    hi, hi_closed = b, closed
            if lo < hi or (lo == hi and lo_closed and hi_closed):
                best = lo if best is None else min(best, lo)
        return best
