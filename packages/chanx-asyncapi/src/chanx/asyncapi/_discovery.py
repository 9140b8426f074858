"""Find an application's routes through the adapters, which register in an entry-point group.

``chanx.asyncapi`` cannot import an adapter (adapters sit above it), so each adapter registers
a discovery function in the ``chanx.asyncapi.discovery`` group::

    [project.entry-points."chanx.asyncapi.discovery"]
    fastapi = "chanx.ext.fast_channels._asyncapi:discover_routes"

A discovery function takes the application object and returns its route records, or None
when the object is not an application of its framework.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib.metadata import entry_points

from chanx.asyncapi._records import RouteRecord

DISCOVERY_ENTRY_POINT_GROUP = "chanx.asyncapi.discovery"
"""The entry-point group in which adapters register their route discovery function."""

RouteDiscovery = Callable[[object], "Sequence[RouteRecord] | None"]
"""``(app) -> route records``, or None when ``app`` is not of the adapter's framework."""

INSTALL_HINT = (
    'install the adapter of your framework: pip install "chanx[channels]" for Django Channels, '
    'or pip install "chanx[fast_channels]" for FastAPI and other ASGI apps'
)


class RouteDiscoveryError(LookupError):
    """No installed adapter recognised the application object."""


def discovery_functions() -> list[tuple[str, RouteDiscovery]]:
    """Load every registered discovery function, sorted by entry-point name.

    Returns:
        ``(name, function)`` pairs.

    Raises:
        RouteDiscoveryError: When an entry point fails to load or is not callable.
    """
    found: list[tuple[str, RouteDiscovery]] = []
    for entry in sorted(entry_points(group=DISCOVERY_ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            loaded = entry.load()
        except Exception as exc:
            msg = f"the {DISCOVERY_ENTRY_POINT_GROUP} entry point {entry.name} = {entry.value} failed to load: {exc}"
            raise RouteDiscoveryError(msg) from exc
        if not callable(loaded):
            msg = f"the {DISCOVERY_ENTRY_POINT_GROUP} entry point {entry.name} = {entry.value} is not callable"
            raise RouteDiscoveryError(msg)
        found.append((entry.name, loaded))
    return found


def _as_records(value: object) -> list[RouteRecord] | None:
    if isinstance(value, list | tuple) and all(isinstance(item, RouteRecord) for item in value):
        return list(value)
    return None


def discover_routes(app: object) -> list[RouteRecord]:
    """Return the route records of an application.

    A list or tuple of :class:`RouteRecord` is returned as it is; anything else goes to each
    registered discovery function in turn (sorted by entry-point name), and the first that
    recognises it answers.

    Args:
        app: An application object (a FastAPI app, a Django ASGI router...) or route records.

    Returns:
        The route records.

    Raises:
        RouteDiscoveryError: When no installed adapter recognises ``app``.
    """
    records = _as_records(app)
    if records is not None:
        return records
    functions = discovery_functions()
    for name, function in functions:
        found = function(app)
        if found is None:
            continue
        records = _as_records(found)
        if records is None:
            msg = f"the {name} route discovery returned {type(found).__name__}, not route records"
            raise RouteDiscoveryError(msg)
        return records
    tried = ", ".join(name for name, _ in functions) or "none installed"
    msg = (
        f"no adapter recognises {type(app).__module__}.{type(app).__qualname__} as an "
        f"application (route discovery tried: {tried}); {INSTALL_HINT}, or pass a list of "
        f"chanx.asyncapi.RouteRecord"
    )
    raise RouteDiscoveryError(msg)
