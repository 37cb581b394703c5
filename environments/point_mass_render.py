"""Rendering of the point-mass tasks (``render_mode='rgb_array'``): the field, the observable disk, the walls, the
goal candidates and the goal, the start, the trajectory and the agent, drawn with NumPy only.

"""
import math
from typing import Sequence, Tuple

import numpy as np

__all__ = ['PointMassRendering']

_RGB = {
    'background': (245, 245, 245),
    'observable': (200, 222, 255),
    'border': (90, 90, 90),
    'wall': (20, 20, 20),
    'goal_candidate': (185, 185, 185),
    'goal': (215, 45, 45),
    'goal_reached': (40, 175, 60),
    'start': (60, 110, 220),
    'trajectory': (255, 150, 30),
    'agent': (0, 0, 0),
}


class PointMassRendering:
    """
    The ``rgb_array`` image of a point-mass task (a mixin of ``environments.point_mass_dynamics.PointMassEnvBase``):
    it reads the task's state (``_start``, ``_x``, ``_y``, ``trajectory``), its sizes (``field_size``,
    ``render_size``, ``observable_radius``, ``point_radius``) and its walls and goals.

    """

    def _pixel_coordinates(self) -> Tuple[np.ndarray, np.ndarray]:
        if self._pixel_grid is None:
            n = self.render_size
            centres = (np.arange(n) + 0.5) * (self.field_size / n)
            xs = centres[None, :]                     # columns: x to the right
            ys = (self.field_size - centres)[:, None]  # rows: y up
            self._pixel_grid = (xs, ys)
        return self._pixel_grid

    def _to_pixel(self, points: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        n = self.render_size
        scale = n / self.field_size
        cols = np.clip(np.floor(points[:, 0] * scale), 0, n - 1).astype(np.int64)
        rows = np.clip(np.floor((self.field_size - points[:, 1]) * scale), 0, n - 1).astype(np.int64)
        return rows, cols

    def _disk(self, image: np.ndarray, centre: Sequence[float], radius: float,
              color: Tuple[int, int, int]) -> None:
        xs, ys = self._pixel_coordinates()
        radius = max(radius, 0.75 * self.field_size / self.render_size)
        mask = (xs - centre[0]) ** 2 + (ys - centre[1]) ** 2 <= radius ** 2
        image[mask] = color

    def _rect(self, image: np.ndarray, x_low: float, x_high: float, y_low: float, y_high: float,
              color: Tuple[int, int, int]) -> None:
        xs, ys = self._pixel_coordinates()
        mask = ((xs >= x_low) & (xs <= x_high)) & ((ys >= y_low) & (ys <= y_high))
        image[mask] = color

    def _polyline(self, image: np.ndarray, points: np.ndarray, color: Tuple[int, int, int]) -> None:
        if len(points) < 2:
            return
        pixel = self.field_size / self.render_size
        samples = []
        for p, q in zip(points[:-1], points[1:]):
            n = max(2, int(math.ceil(math.hypot(*(q - p)) / (0.5 * pixel))) + 1)
            samples.append(p + np.linspace(0.0, 1.0, n)[:, None] * (q - p))
        rows, cols = self._to_pixel(np.concatenate(samples))
        n = self.render_size
        for dr in (0, 1):
            for dc in (0, 1):
                image[np.minimum(rows + dr, n - 1), np.minimum(cols + dc, n - 1)] = color

    def _render_rgb(self) -> np.ndarray:
        n = self.render_size
        image = np.empty((n, n, 3), dtype=np.uint8)
        image[:] = _RGB['background']
        px = self.field_size / n

        self._disk(image, self._start, self.observable_radius, _RGB['observable'])
        for wy, half, door_low, door_high in self._walls():
            half = max(half, px)  # at least two pixels thick
            self._rect(image, 0.0, door_low, wy - half, wy + half, _RGB['wall'])
            self._rect(image, door_high, self.field_size, wy - half, wy + half, _RGB['wall'])
        for goal in self._goal_candidates():
            self._disk(image, goal, self.GOAL_RADIUS, _RGB['goal_candidate'])
        goal_color = _RGB['goal_reached'] if self.distance_to_goal() <= self.GOAL_RADIUS else _RGB['goal']
        self._disk(image, self._goal_xy(), self.GOAL_RADIUS, goal_color)
        self._disk(image, self._start, 2.0, _RGB['start'])
        self._polyline(image, self.trajectory, _RGB['trajectory'])
        self._disk(image, (self._x, self._y), self.point_radius, _RGB['agent'])

        border = max(1, n // 150)
        image[:border] = image[-border:] = _RGB['border']
        image[:, :border] = image[:, -border:] = _RGB['border']
        return image
