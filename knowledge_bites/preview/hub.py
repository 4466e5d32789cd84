"""Between the build and the browser tabs: the build's events change the view in the thread that builds, and every
open tab is told in the server's thread.

The builds run in the main thread (so that Ctrl-C stops them as it stops any build); the server runs its event
loop in another. Each change of the view is made under a lock and handed to the loop with call_soon_threadsafe,
in the order it was made: a tab that starts following gets the whole view, then every change made after it.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..pipeline import SheetResult
from ..session import Outcome, Reporter
from .view import Note, View, sheet_key, sheet_notes

if TYPE_CHECKING:
    from ..record import Record
    from ..sources import Series

Message = str | None  # a JSON message for the tabs; None ends their streams


class Hub:
    """The view of the series, and the tabs that follow it."""

    def __init__(self, view: View) -> None:
        self.view = view
        self.lock = threading.Lock()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.tabs: set[asyncio.Queue[Message]] = set()
        self.closed = False

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Tell the hub which event loop the tabs are served from."""
        with self.lock:
            self.loop = loop

    def change(self, change: Callable[[View], dict[str, Any] | None]) -> None:
        """Change the view (in any thread), and tell every tab what `change` returns about it."""
        with self.lock:
            message = change(self.view)
            if message is not None:
                self._tell(json.dumps(message, ensure_ascii=False))

    def state(self) -> dict[str, Any]:
        """Return the whole view, as the tabs get it."""
        with self.lock:
            return {"type": "state", "state": self.view.as_json()}

    def follow(self) -> asyncio.Queue[Message]:
        """Start telling a tab (in the server's loop): its queue holds the whole view first, then every change."""
        queue: asyncio.Queue[Message] = asyncio.Queue()
        with self.lock:
            if self.closed:
                queue.put_nowait(None)
            else:
                queue.put_nowait(json.dumps({"type": "state", "state": self.view.as_json()}, ensure_ascii=False))
                self.tabs.add(queue)
        return queue

    def leave(self, queue: asyncio.Queue[Message]) -> None:
        with self.lock:
            self.tabs.discard(queue)

    def close(self) -> None:
        """End every tab's stream, so that the server can stop; tabs that come later get none."""
        with self.lock:
            self.closed = True
            self._tell(None)
            self.tabs.clear()

    def _tell(self, message: Message) -> None:
        if self.loop is None or self.loop.is_closed():
            return
        for queue in self.tabs:
            self.loop.call_soon_threadsafe(queue.put_nowait, message)


class Relay(Reporter):
    """A build's reporter for the preview: tells the terminal as the command line does, and the view."""

    def __init__(self, terminal: Reporter, hub: Hub) -> None:
        self.terminal = terminal
        self.hub = hub

    def line(self, text: str) -> None:
        self.terminal.line(text)

    def begin(self, changed: list[Path]) -> None:
        self.terminal.begin(changed)
        self.hub.change(_telling_status(lambda view: view.begin(changed)))

    def loaded(self, series: Series, record: Record | None) -> None:
        self.terminal.loaded(series, record)
        from ..translating.exporting import kit_notes  # the kit's XML tools load only once a series has loaded

        notes = sheet_notes(series)
        for source, text in kit_notes(series.translations, self.hub.view.project.output):  # kits with a translator
            notes.setdefault(sheet_key(source), []).append(Note("kit", text))
        self.hub.change(lambda view: view.loaded(series, notes, record))  # told with the sheets to print, next

    def start(self, to_build: int, up_to_date: int) -> None:
        self.terminal.start(to_build, up_to_date)

    def printing(self, keys: list[str], saved: Collection[str] = ()) -> None:
        self.terminal.printing(keys, saved)
        self.hub.change(_telling_state(lambda view: view.printing(keys, saved)))

    # The view is told before the terminal: once a line says a sheet or the build is done, the page says so too.
    def finished(self, result: SheetResult) -> None:
        self._sheet(result)
        self.terminal.finished(result)

    def result(self, result: SheetResult) -> None:
        self._sheet(result)
        self.terminal.result(result)

    def stop(self) -> None:
        self.terminal.stop()

    def end(self, outcome: Outcome) -> None:
        self.hub.change(_telling_state(lambda view: view.end(outcome)))
        self.terminal.end(outcome)

    def _sheet(self, result: SheetResult) -> None:
        def change(view: View) -> dict[str, Any] | None:
            sheet = view.printed(result)
            return None if sheet is None else {"type": "sheet", "sheet": sheet.as_json(view.project)}

        self.hub.change(change)


def _telling_state(event: Callable[[View], None]) -> Callable[[View], dict[str, Any]]:
    """Return a change that applies an event to the view, then tells the tabs the whole view."""

    def change(view: View) -> dict[str, Any]:
        event(view)
        return {"type": "state", "state": view.as_json()}

    return change


def _telling_status(event: Callable[[View], None]) -> Callable[[View], dict[str, Any]]:
    """Return a change that applies an event to the view, then tells the tabs whether it is building."""

    def change(view: View) -> dict[str, Any]:
        event(view)
        return {"type": "status", "building": view.building, "changed": view.changed}

    return change
