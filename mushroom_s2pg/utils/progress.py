"""A CSV progress log that is appended to and flushed after every row, and can be resumed."""
import csv
import math
import os
from numbers import Integral, Real
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

__all__ = ['ProgressLogger', 'read_progress']

PathLike = Union[str, os.PathLike]


def _format(value: Any) -> str:
    """Text of one CSV cell: exact (round-trip) floats, empty for None."""
    if value is None:
        return ''
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Real):
        return repr(float(value))
    return str(value)


def _parse(text: str) -> Any:
    """Inverse of :func:`_format` for numbers: int, then float, else the text (None if empty)."""
    if text == '':
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def read_progress(path: PathLike, numeric: bool = True) -> List[Dict[str, Any]]:
    """
    Read a progress CSV file.

    Args:
        path (str): the CSV file;
        numeric (bool, True): convert the cells to int or float where possible (empty cells become
            None); if False, every cell stays a string.

    Returns:
        The rows, as dictionaries from column name to value, in file order.

    """
    with open(path, newline='') as f:
        rows = list(csv.DictReader(f))
    if numeric:
        rows = [{key: _parse(value if value is not None else '') for key, value in row.items()} for row in rows]
    return rows


class ProgressLogger:
    """
    Append-only CSV log of a training run: one row per epoch, written and flushed at once, so that
    the file is complete up to the last finished epoch even if the run is killed.

    The header is the union of the given ``columns`` and the keys of the logged rows, in order of
    first appearance; when a row brings a new key (e.g. a loss that appears only after a warm-up),
    the file is rewritten once with the extended header and empty cells in the earlier rows.
    Floats are written exactly (``repr``), so that two identical runs give identical files.

    """
    def __init__(self, path: PathLike, columns: Sequence[str] = (), resume: bool = False,
                 max_epoch: Optional[int] = None, epoch_key: str = 'epoch'):
        """
        Constructor.

        Args:
            path (str): the CSV file; its folder is created if needed;
            columns (Sequence[str], ()): the columns that always come first, in this order;
            resume (bool, False): keep the rows already in the file (else the file is started anew);
            max_epoch (int, None): when resuming, drop the rows whose ``epoch_key`` is larger (the
                rows logged after the checkpoint that the run resumes from);
            epoch_key (str, 'epoch'): the column holding the epoch number.

        """
        self._path = os.fspath(path)
        self._epoch_key = epoch_key
        self._columns: List[str] = list(dict.fromkeys(columns))
        self._rows: List[Dict[str, str]] = []

        folder = os.path.dirname(os.path.abspath(self._path))
        os.makedirs(folder, exist_ok=True)

        if resume and os.path.exists(self._path):
            with open(self._path, newline='') as f:
                reader = csv.DictReader(f)
                header = list(reader.fieldnames or [])
                rows = [{key: (value if value is not None else '') for key, value in row.items()
                         if key is not None} for row in reader]
            if max_epoch is not None:
                rows = [row for row in rows if self._epoch_of(row) is not None and self._epoch_of(row) <= max_epoch]
            self._columns = list(dict.fromkeys(self._columns + header))
            self._rows = rows
        self._rewrite()

    @property
    def path(self) -> str:
        """The CSV file."""
        return self._path

    @property
    def columns(self) -> List[str]:
        """The current header."""
        return list(self._columns)

    @property
    def rows(self) -> List[Dict[str, Any]]:
        """The logged rows (numbers parsed), including those kept when resuming."""
        return [{key: _parse(row.get(key, '')) for key in self._columns} for row in self._rows]

    @property
    def last_epoch(self) -> Optional[int]:
        """The epoch of the last row, or None if there is none."""
        if not self._rows:
            return None
        return self._epoch_of(self._rows[-1])

    def log(self, row: Mapping[str, Any]) -> None:
        """
        Append one row and flush it to disk.

        Args:
            row (Mapping[str, Any]): column name -> value; missing columns are left empty.

        """
        formatted = {str(key): _format(value) for key, value in row.items()}
        self._rows.append(formatted)
        new_columns = [key for key in formatted if key not in self._columns]
        if new_columns:
            self._columns.extend(new_columns)
            self._rewrite()
            return
        with open(self._path, 'a', newline='') as f:
            csv.DictWriter(f, fieldnames=self._columns).writerow(formatted)
            f.flush()

    def _epoch_of(self, row: Mapping[str, str]) -> Optional[int]:
        value = _parse(row.get(self._epoch_key, '') or '')
        if isinstance(value, float) and math.isfinite(value):
            return int(value)
        return value if isinstance(value, int) else None

    def _rewrite(self) -> None:
        """Write the whole file (header and rows) atomically."""
        tmp = self._path + '.tmp'
        with open(tmp, 'w', newline='') as f:
            writer = csv.DictWriter(f, fieldnames=self._columns, restval='')
            writer.writeheader()
            for row in self._rows:
                writer.writerow({key: row.get(key, '') for key in self._columns})
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self._path)
