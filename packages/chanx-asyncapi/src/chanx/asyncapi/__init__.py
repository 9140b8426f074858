"""AsyncAPI 3.0 documents, a docs page and a command line for Chanx consumers.

Build a document from the routed consumers with :func:`build_document`, serialise it with
:func:`dump_json` or :func:`dump_yaml`, show it with :func:`render_docs_page`, or export it from
the shell with ``chanx asyncapi myapp.main:app -o asyncapi.yaml``. Adapters turn their routers
into :class:`RouteRecord` lists through the :data:`DISCOVERY_ENTRY_POINT_GROUP` entry points.
"""

from chanx.asyncapi._address import Address, normalize_address
from chanx.asyncapi._discovery import (
    DISCOVERY_ENTRY_POINT_GROUP,
    RouteDiscovery,
    RouteDiscoveryError,
    discover_routes,
)
from chanx.asyncapi._document import build_document
from chanx.asyncapi._page import (
    CDN_ASSETS,
    REACT_COMPONENT_VERSION,
    PageAssets,
    render_docs_page,
)
from chanx.asyncapi._records import PathParameter, RouteRecord
from chanx.asyncapi._serialize import dump_json, dump_yaml
from chanx.asyncapi._settings import ASYNCAPI_VERSION, DocumentSettings

__all__ = [
    "ASYNCAPI_VERSION",
    "CDN_ASSETS",
    "DISCOVERY_ENTRY_POINT_GROUP",
    "REACT_COMPONENT_VERSION",
    "Address",
    "DocumentSettings",
    "PageAssets",
    "PathParameter",
    "RouteDiscovery",
    "RouteDiscoveryError",
    "RouteRecord",
    "build_document",
    "discover_routes",
    "dump_json",
    "dump_yaml",
    "normalize_address",
    "render_docs_page",
]
