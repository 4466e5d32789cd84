"""The preview's web server: the page, its own assets, what is in output/, and the view pushed to every open tab.

Starlette serves, uvicorn listens, in a thread of their own; the builds run in the main thread, exactly as
`--watch` runs them (session.build_once, session.watch). Safe by default: it listens on 127.0.0.1 unless told
otherwise, answers only requests addressed to its own host name (against DNS rebinding), serves nothing but its
own assets, the files under output/ and the releases (for the *Changes* view), and has no endpoint that writes.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import freshness
from ..pipeline import Options
from ..project import Project
from ..session import EXIT_USAGE, Reporter, build_once, watch
from ..workers import Workers
from .changes import RELEASES_ROUTE, releases_of
from .hub import Hub, Relay
from .view import OUTPUT_ROUTE, View

ASSETS = Path(__file__).resolve().parent / "assets"
LOOPBACK = "127.0.0.1"
# The preview's own files, by the name the page asks for: its page, script and style, and from styles/ the brand's
# colours, logo and fonts (an explicit list: nothing else of the project is served).
OWN_ASSETS = {"preview.css": ASSETS / "preview.css", "preview.js": ASSETS / "preview.js"}
STYLE_ASSETS = {
    "brand.css": "brand.css",
    "logo.svg": "logo.svg",
    "Lato-Regular.ttf": "fonts/Lato-Regular.ttf",
    "Lato-Italic.ttf": "fonts/Lato-Italic.ttf",
    "Lato-Bold.ttf": "fonts/Lato-Bold.ttf",
    "Lato-Black.ttf": "fonts/Lato-Black.ttf",
}
# The page loads nothing but its own files from this server: no script, style, font or picture from elsewhere.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

# The Changes view: a page of its own, with no script; its outlines are placed by style attributes.
CHANGES_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'"


def application(project: Project, hub: Hub, hosts: list[str]) -> Starlette:
    """Return the preview's web application for a project, showing the view in `hub`, answering only `hosts`."""

    async def page(request: Request) -> Response:
        return FileResponse(ASSETS / "index.html", headers={"Content-Security-Policy": PAGE_POLICY, **NO_STORE})

    async def state(request: Request) -> Response:
        return JSONResponse(hub.state(), headers=NO_STORE)

    async def events(request: Request) -> Response:
        """Server-sent events: the whole view, then every change of it, until the tab or the server goes."""
        queue = hub.follow()

        async def stream() -> AsyncIterator[str]:
            try:
                while (message := await queue.get()) is not None:
                    yield f"data: {message}\n\n"
            finally:
                hub.leave(queue)

        return StreamingResponse(stream(), media_type="text/event-stream", headers=NO_STORE)

    def changes(request: Request) -> Response:  # run in a thread: it reads and compares pictures
        from .changes import changes_page

        return HTMLResponse(changes_page(project), headers={"Content-Security-Policy": CHANGES_POLICY, **NO_STORE})

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name in OWN_ASSETS:
            return FileResponse(OWN_ASSETS[name], headers=NO_STORE)
        if name in STYLE_ASSETS and (path := project.styles / STYLE_ASSETS[name]).is_file():
            return FileResponse(path, headers=NO_STORE)
        return Response("not found", status_code=404, media_type="text/plain")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        hub.attach(asyncio.get_running_loop())
        yield

    return Starlette(
        routes=[
            Route("/", page),
            Route("/sheet/{key}", page),
            Route("/state.json", state),
            Route("/events", events),
            Route("/assets/{name}", asset),
            # StaticFiles refuses any path that leads outside the folder, `..` or a link, and serves only GET and HEAD.
            Mount(OUTPUT_ROUTE, app=StaticFiles(directory=project.output, check_dir=False)),
            Route("/changes", changes),
            Mount(RELEASES_ROUTE, app=StaticFiles(directory=releases_of(project), check_dir=False)),
        ],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts), Middleware(Plain)],
        lifespan=lifespan,
    )


NO_STORE = {"Cache-Control": "no-store"}


class Plain:
    """Tell browsers to take every answer for what it says it is, and to send no address of the preview away."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_plain(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ]
            await send(message)

        await self.app(scope, receive, send_plain)


def is_loopback(host: str) -> bool:
    """Tell whether an address to listen on is this computer's own only (127.0.0.1, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str) -> list[str]:
    """Return the host names a request may be addressed to: this computer's own, and `host` (with every name of
    this computer when `host` means all its addresses). An IPv6 address is written in brackets in a request."""
    names = {LOOPBACK, "localhost", "[::1]", f"[{host}]" if ":" in host else host}
    if host in ("0.0.0.0", "::"):
        names |= {socket.gethostname(), socket.getfqdn()}
        with suppress(OSError):
            addresses = {str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None)}
            names |= {f"[{address}]" if ":" in address else address for address in addresses}
    return sorted(names)


def listen(host: str, port: int) -> socket.socket:
    """Open the socket the server answers on (port 0: any free port); raise OSError when it cannot."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(False)
    return sock


def serve(project: Project, options: Options, reporter: Reporter, *, host: str | None, port: int) -> int:
    """Serve the preview, build the series, and rebuild what each saved change affects, until Ctrl-C or SIGTERM."""
    import uvicorn

    address = host or LOOPBACK
    if host is not None and not is_loopback(host):
        reporter.line(
            f"warning: --host {host}: the preview is open to other computers on the network, and shows "
            "every sheet; use it only on a network you trust"
        )
    try:
        sock = listen(address, port)
    except OSError as error:
        reporter.line(f"--port {port}: cannot listen on {address}:{port} ({error.strerror}); try another --port")
        return EXIT_USAGE
    bound = sock.getsockname()[1]
    hub = Hub(View(project))
    config = uvicorn.Config(
        application(project, hub, allowed_hosts(address)),
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="preview-server", daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.01)
    if not server.started:
        sock.close()
        reporter.line(f"the preview could not start on {address}:{bound}")
        return EXIT_USAGE
    shown = f"[{address}]" if ":" in address else address
    reporter.line(f"preview at http://{shown}:{bound}/  (Ctrl-C to stop)")
    relay = Relay(reporter, hub)
    try:  # until Ctrl-C or another stop signal, which the command turns into KeyboardInterrupt
        stamp = freshness.stamp(project)
        with Workers(project, options.limits) as workers:  # kept ready between builds, as under --watch
            build_once(project, options, relay, workers=workers, shortcut=False, long_running=True)
            return watch(project, options, relay, stamp=stamp, workers=workers)
    finally:
        hub.close()  # ends the tabs' event streams, so that the server stops at once
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()
