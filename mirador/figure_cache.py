"""Built figures kept once per view: a second viewer of the same view builds nothing.

(Also the Progress page's sentences and scorecard, `cached_list` / `cached_frame`: at 80
institutions, writing a thousand sentences was most of that page's run.)

Issue #11: with many viewers one Streamlit process is CPU-bound, and building plotly figures
was a fifth of every script run (more at 80 institutions, where a map is most of its page).
A figure depends only on what its builder is given (the data frames a page passes, the
title, the language, ...): the key is the builder's name and a fingerprint of every argument,
so a rebuilt database (new frames) gives new figures without any invalidation, and two
languages never share one.

- A data frame as a query returned it carries `cache_version` (mirador.queries: which cached
  result it is a clone of) and is keyed on that, its schema and height: hashing its rows was
  O(rows) on every run, even for a cached figure (at 80 institutions, the Progress page's
  autonomy cells and values were most of its warm run). Any other frame (filtered, joined,
  built by the page: a new object, without `cache_version`) is fingerprinted by its schema,
  height and a digest of polars' row hashes. Nothing in the dashboard changes a frame in
  place (polars' operations return new frames); one changed in place after a query keeps its
  version but would differ in schema or height for the usual changes (a column, rows added).
- A mapping that carries a `cache_version` (queries.boundaries(): the database file's
  identity) is keyed on that version, not on its (large) content.
- A frozen dataclass (progress.Statement, itself from the cache) is keyed on its identity.
- A list handed out by `cached_list` (the Progress sentences) carries the version of the
  cached list it copies and is keyed on that: the scorecard of 80 institutions' sentences
  was keyed on 400 identities every run. Changing the list (`+=`, `append`, ...) drops the
  version: a changed list is keyed on its items, as any list.
- An argument of another kind (a callable, an object) makes that call uncached: correct
  first, fast second.
- What a builder reads besides its arguments (the catalogue, the translations) is taken as
  fixed for the life of the process, as it is in a server; a test that changes it clears
  the cache (`clear()`).

Streamlit turns a figure into its message through `figure.to_dict()`, a deep copy of every
trace and of the layout (a third of `st.plotly_chart` for an 80-country map). A cached figure
keeps its spec serialized once (a string: nothing for Python's garbage collector to walk
after each run) and `to_dict()` returns a fresh parse of it, the same JSON as before.

Cached figures are shared by every session and thread: callers must not change them.
`components.plotly_chart` and `presentation.fit_to_screen` change copies only; a test
renders the pages and checks the cached figures are unchanged.
"""
from __future__ import annotations

import dataclasses
import datetime
import decimal
import functools
import hashlib
import itertools
import threading
from collections import OrderedDict
from typing import Any, Callable, Mapping, TypeVar

import plotly.io as pio
import polars as pl

try:  # plotly itself encodes with orjson when it is installed (requirements.txt pins it)
    from orjson import loads as _loads
except ImportError:  # pragma: no cover - same result, slower
    from json import loads as _loads

MAX_FIGURES = 160  # ~9 pages x 3 languages x a few selections each; a map at 80 countries is ~1 MB

_figures: OrderedDict[tuple, Any] = OrderedDict()
_lock = threading.Lock()
_building: dict[tuple, threading.Lock] = {}  # one build per key at a time (50 viewers, one view)
_counts = {"hits": 0, "misses": 0, "uncached": 0}

F = TypeVar("F", bound=Callable[..., Any])
SCALARS = (str, int, float, bool, bytes, type(None), datetime.date, datetime.datetime, datetime.time,
           datetime.timedelta, decimal.Decimal)


class Uncacheable(TypeError):
    """An argument the cache cannot fingerprint."""


class _Same:
    """An immutable object (a frozen dataclass: progress.Statement) keyed on itself, not on its
    fields: reading 400 sentences' fields took longer than the scorecard they feed. The key
    holds the object, so its id cannot be reused by another while the key is cached; equal
    objects made apart are a miss (built again), never a wrong hit."""

    __slots__ = ("value",)

    def __init__(self, value) -> None:
        self.value = value

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Same) and other.value is self.value


def frame_fingerprint(frame: pl.DataFrame) -> tuple:
    """(schema, height, the query result it is or a digest of the rows): equal for equal frames,
    in the same row order."""
    schema = tuple((name, str(dtype)) for name, dtype in frame.schema.items())
    version = getattr(frame, "cache_version", None)
    if version is not None:
        return ("frame", schema, frame.height, ("version", version))
    try:
        digest = hashlib.blake2b(frame.hash_rows().to_numpy().tobytes(), digest_size=16).hexdigest()
    except Exception:  # noqa: BLE001 - a dtype hash_rows cannot hash: hash the serialized frame
        digest = hashlib.blake2b(frame.serialize(format="binary"), digest_size=16).hexdigest()
    return ("frame", schema, frame.height, digest)


def fingerprint(value: Any) -> Any:
    """A hashable stand-in for `value`, equal only for values a builder cannot tell apart."""
    if isinstance(value, SCALARS):
        # 1, 1.0 and True are equal in Python but not to a builder (a label, a flag).
        return (type(value).__name__, value)
    if isinstance(value, pl.DataFrame):
        return frame_fingerprint(value)
    if isinstance(value, pl.Series):
        return ("series", value.name, frame_fingerprint(value.to_frame()))
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and value.__dataclass_params__.frozen:
        return _Same(value)
    version = getattr(value, "cache_version", None)
    if version is not None:
        return ("versioned", type(value).__name__, version)
    if isinstance(value, Mapping):
        # Insertion order kept: a builder may draw in it.
        return ("map", tuple((fingerprint(k), fingerprint(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(fingerprint(v) for v in value))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted(map(repr, (fingerprint(v) for v in value)))))
    raise Uncacheable(type(value).__name__)


def cached_figure(builder: F) -> F:
    """`builder`, returning the figure built before for the same arguments (shared: never change it)."""
    return _memoized(builder, lambda figure: figure)


def cached_frame(builder: F) -> F:
    """`builder` of a polars frame: the frame made before for the same arguments (a clone:
    polars frames share their memory, and a clone keeps the cached one as it was)."""
    return _memoized(builder, lambda frame: frame.clone())


_list_numbers = itertools.count(1)  # a version per list built: never reused in a process


class _HandedList(list):
    """A caller's own copy of a cached list, with the cached list's version until it is changed."""

    def __init__(self, items=(), version=None) -> None:
        super().__init__(items)
        self.cache_version = version


def _dropping_the_version(name: str):
    """list's method `name`, which first marks the list as no longer the cached one."""
    change = getattr(list, name)

    def method(self, *args, **kwargs):
        self.cache_version = None
        return change(self, *args, **kwargs)

    method.__name__ = name
    return method


for _name in ("append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse",
              "__setitem__", "__delitem__", "__iadd__", "__imul__"):
    setattr(_HandedList, _name, _dropping_the_version(_name))
del _name


def cached_list(builder: F) -> F:
    """`builder` of a list of immutable items (progress.Statement): the list made before for the
    same arguments, as a new list each time (a page may extend it: `statements += ...`)."""
    return _memoized(builder, lambda kept: _HandedList(kept[0], kept[1]),
                     keep=lambda items: (tuple(items), ("list", next(_list_numbers))))


def _memoized(builder: F, hand_out: Callable[[Any], Any], keep: Callable[[Any], Any] = lambda built: built) -> F:
    name = f"{builder.__module__}.{builder.__qualname__}"

    @functools.wraps(builder)
    def cached(*args, **kwargs):
        try:
            key = (name, fingerprint(args), fingerprint(tuple(sorted(kwargs.items()))))
        except Uncacheable:
            _counts["uncached"] += 1
            return builder(*args, **kwargs)
        figure = _get(key)
        if figure is not None:
            return hand_out(figure)
        with _lock:
            building = _building.setdefault(key, threading.Lock())
        try:
            with building:  # a second thread asking for the same view waits for the first build
                figure = _get(key)
                if figure is None:
                    _counts["misses"] += 1
                    figure = keep(builder(*args, **kwargs))
                    _put(key, figure)
        finally:
            with _lock:
                _building.pop(key, None)
        return hand_out(figure)

    cached.uncached = builder  # the builder itself (tests, a caller that must change its figure)
    return cached  # type: ignore[return-value]


def _get(key: tuple):
    with _lock:
        figure = _figures.get(key)
        if figure is not None:
            _figures.move_to_end(key)
            _counts["hits"] += 1
        return figure


def _serialized_once(figure) -> None:
    """`figure.to_dict()` from then on: a new dict parsed from the spec serialized on first use."""
    build_dict = figure.to_dict
    spec: list[str] = []
    first = threading.Lock()

    def to_dict() -> dict:
        if not spec:
            with first:
                if not spec:
                    spec.append(pio.json.to_json_plotly(build_dict()))
        return _loads(spec[0])

    figure.to_dict = to_dict


def _put(key: tuple, figure) -> None:
    if hasattr(figure, "to_dict") and hasattr(figure, "layout"):
        _serialized_once(figure)
    with _lock:
        _figures[key] = figure
        _figures.move_to_end(key)
        while len(_figures) > MAX_FIGURES:
            _figures.popitem(last=False)


def clear() -> None:
    """Forget every figure (tests)."""
    with _lock:
        _figures.clear()
        for name in _counts:
            _counts[name] = 0


def stats() -> dict[str, int]:
    """Hits, misses, uncached calls and figures held (tests, benchmarks)."""
    with _lock:
        return {**_counts, "size": len(_figures)}


def cached_figures() -> list:
    """The figures held now (tests: a page must not have changed them)."""
    with _lock:
        return [value for value in _figures.values() if hasattr(value, "layout")]
