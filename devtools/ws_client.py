"""A browser-like Streamlit session over the websocket, without a browser.

Fifty Chromium pages do not fit on two cores; fifty of these do. A session speaks the
browser's protocol (protobuf over `/_stcore/stream`): it sends the `rerun_script` BackMsg
the Streamlit frontend sends (first load by `page_name`, page switches by
`page_script_hash` from the `navigation` message, the widget states that survive a page
change, the hashes of the messages it has cached, the browser's context) and reads the
ForwardMsgs until the run's `script_finished`. What it does not do is draw: a run's time
here is the server side of a page switch only (script run + messages on the socket).

What the frontend does and this client copies (Streamlit 1.67, `App.tsx` in the bundled JS):
- a page switch sends the states of the widgets left after the page's own elements are
  cleared (those outside the main area, e.g. the sidebar's language selector) and drops
  the query string except parameters bound to those widgets;
- messages marked `metadata.cacheable` are kept and their hashes sent with each rerun; the
  server then sends a `ref_hash` in their place; an entry unused for `max_cached_message_age`
  runs is dropped.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlparse

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

MAIN_AREA = 0  # delta_path[0]: 0 main, 1 sidebar, 2 event, 3 bottom
FINISHED_SUCCESSFULLY = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
FINISHED_WITH_COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR
RUN_ENDS = {FINISHED_SUCCESSFULLY, FINISHED_WITH_COMPILE_ERROR}
TEXT_ELEMENTS = {"heading", "markdown", "text", "alert", "metric"}
RUN_TIMEOUT_S = 180


@dataclass
class PageRun:
    """What one script run sent to the session, and how long it took (server side)."""
    url_path: str
    expected_title: str | None = None
    started: float = 0.0          # time.monotonic() when the rerun was sent
    seconds: float | None = None  # rerun sent -> script_finished received
    begun_s: float | None = None  # rerun sent -> new_session (the server has started the run)
    first_content_s: float | None = None  # rerun sent -> first element of the main area
    deltas: int = 0
    element_counts: dict[str, int] = field(default_factory=dict)  # messages, any area
    # The main area as drawn at the end: delta path -> (element kind, text). The server's
    # queue merges writes to one slot that are not yet sent, so counting messages would
    # depend on timing; the final state does not.
    main_tree: dict[tuple[int, ...], tuple[str, str | None]] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)     # every text element, any area
    query_string: str = ""
    errors: list[str] = field(default_factory=list)
    references: int = 0  # messages sent as a ref_hash to one this session had cached
    reruns: int = 0  # runs that ended early for a rerun (st.rerun / st.switch_page) before this one

    @property
    def main_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for kind, _ in self.main_tree.values():
            counts[kind] = counts.get(kind, 0) + 1
        return counts

    @property
    def headings(self) -> list[str]:
        return [text for _, (kind, text) in sorted(self.main_tree.items()) if kind == "heading"]

    @property
    def charts(self) -> int:
        return self.main_counts.get("plotly_chart", 0)

    @property
    def title(self) -> str | None:
        return self.headings[0] if self.headings else None

    @property
    def title_ok(self) -> bool:
        return self.expected_title is not None and self.title == self.expected_title

    def shows(self, text: str) -> bool:
        return any(text in body for body in self.texts)


def element_text(element) -> str | None:
    kind = element.WhichOneof("type")
    if kind not in TEXT_ELEMENTS:
        return None
    proto = getattr(element, kind)
    if kind == "metric":
        return f"{proto.label}: {proto.body}"
    return proto.body


def error_of(msg: ForwardMsg) -> str | None:
    """An error the reader would see (an exception or error box) or a failed run."""
    kind = msg.WhichOneof("type")
    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        element = msg.delta.new_element
        if element.WhichOneof("type") == "exception":
            return f"exception {element.exception.type}: {element.exception.message[:200]}"
        if element.WhichOneof("type") == "alert" and element.alert.format == Alert.ERROR:
            return f"error box: {element.alert.body[:200]}"
    if kind == "script_finished" and msg.script_finished == FINISHED_WITH_COMPILE_ERROR:
        return "script finished with a compile error"
    if kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
        return f"compilation exception: {msg.session_event.script_compilation_exception.message[:200]}"
    if kind == "page_not_found":
        return f"page not found: {msg.page_not_found.page_name}"
    return None


class MessageCache:
    """The frontend's ForwardMsg cache: big elements are sent once, then referenced by hash."""

    def __init__(self) -> None:
        self.messages: dict[str, ForwardMsg] = {}
        self.last_run: dict[str, int] = {}
        self.runs = 0

    def resolve(self, msg: ForwardMsg) -> ForwardMsg:
        if msg.HasField("ref_hash"):
            cached = ForwardMsg()
            cached.CopyFrom(self.messages[msg.ref_hash])
            cached.metadata.CopyFrom(msg.metadata)  # the reference carries this run's position
            self.last_run[msg.ref_hash] = self.runs
            return cached
        if msg.metadata.cacheable and msg.hash:
            self.messages[msg.hash] = msg
            self.last_run[msg.hash] = self.runs
        return msg

    def run_ended(self, max_age: int) -> None:
        self.runs += 1
        for key in [k for k, run in self.last_run.items() if self.runs - run > max_age]:
            del self.messages[key], self.last_run[key]

    def hashes(self) -> list[str]:
        return list(self.messages)


def widget_value(widget_kind: str, proto, state) -> bool:
    """Fill `state` (a WidgetState) with the value the frontend holds for a widget it has
    drawn and not touched. Only the kinds that persist across pages here (sidebar
    selectboxes); returns False for the rest, which the client then does not send."""
    if widget_kind == "selectbox":
        state.string_value = proto.raw_value if proto.set_value else proto.options[proto.default]
        return True
    return False


class Session:
    """One reader's browser tab: open a page, then switch pages as the sidebar does."""

    def __init__(self, base_url: str, lang: str = "es") -> None:
        parsed = urlparse(base_url)
        self.http_base = f"{parsed.scheme}://{parsed.netloc}"
        self.ws_url = f"ws://{parsed.netloc}/_stcore/stream"
        self.lang = lang
        self.socket = None
        self.cache = MessageCache()
        self.max_cached_message_age = 2
        self.pages: dict[str, tuple[str, str]] = {}  # url_path -> (page_script_hash, title)
        self.current_hash = ""
        self.current_url_path = ""
        self.query_string = ""
        self.kept_widgets: dict[str, tuple[str, object, str]] = {}  # id -> (kind, proto, query key)

    async def __aenter__(self) -> "Session":
        # Same-origin, as a browser tab opened on the server's address.
        self.socket = await connect(self.ws_url, subprotocols=["streamlit"], origin=self.http_base,
                                    max_size=None, open_timeout=60, ping_interval=None)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
            self.socket = None

    def _context(self, message) -> None:
        info = message.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "es-ES"
        info.url = f"{self.http_base}/{self.current_url_path}"
        info.is_embedded, info.color_scheme = False, "light"

    async def open(self, url_path: str, query: dict[str, str] | None = None) -> PageRun:
        """A fresh tab on `/<url_path>?<query>` (the frontend asks for the page by name)."""
        self.current_url_path = url_path
        back = BackMsg()
        state = back.rerun_script
        state.query_string = urlencode(query if query is not None else {"lang": self.lang})
        state.page_name = url_path
        state.widget_states.SetInParent()
        self._context(state)
        return await self._run(back, url_path)

    async def switch(self, url_path: str) -> PageRun:
        """A click on the page's sidebar link."""
        page_hash, _ = self.pages[url_path]
        back = BackMsg()
        state = back.rerun_script
        kept_keys = {key for _, _, key in self.kept_widgets.values() if key}
        state.query_string = urlencode([(k, v) for k, v in parse_qsl(self.query_string, keep_blank_values=True)
                                        if k in kept_keys])
        state.page_script_hash = page_hash
        state.widget_states.SetInParent()
        for widget_id, (kind, proto, _) in self.kept_widgets.items():
            widget = state.widget_states.widgets.add()
            widget.id = widget_id
            if not widget_value(kind, proto, widget):
                del state.widget_states.widgets[-1]
        state.cached_message_hashes.extend(self.cache.hashes())
        self._context(state)
        self.current_url_path = url_path
        return await self._run(back, url_path)

    async def _run(self, back: BackMsg, url_path: str) -> PageRun:
        run = PageRun(url_path=url_path, expected_title=self.pages.get(url_path, (None, None))[1])
        run.started = time.monotonic()
        await self.socket.send(back.SerializeToString())
        deadline = run.started + RUN_TIMEOUT_S
        began = False  # the server's new_session for this rerun (earlier messages belong to the last run)
        while True:
            try:
                raw = await asyncio.wait_for(self.socket.recv(decode=False),
                                             max(deadline - time.monotonic(), 0.001))
            except TimeoutError:
                run.errors.append(f"no script_finished within {RUN_TIMEOUT_S}s")
                return run
            except ConnectionClosed as closed:
                run.errors.append(f"connection closed: {closed}")
                return run
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                began = True
                if run.begun_s is None:
                    run.begun_s = time.monotonic() - run.started
                self.current_hash = msg.new_session.page_script_hash
                self.max_cached_message_age = msg.new_session.config.max_cached_message_age or 2
                run.deltas, run.element_counts, run.main_tree, run.texts = 0, {}, {}, []
                self.kept_widgets = {}
                continue
            if not began:
                continue
            run.references += msg.HasField("ref_hash")
            msg = self.cache.resolve(msg)
            kind = msg.WhichOneof("type")
            problem = error_of(msg)
            if problem:
                run.errors.append(problem)
            if kind == "delta":
                self._note_delta(msg, run)
            elif kind == "navigation":
                self.pages = {page.url_pathname: (page.page_script_hash, page.page_name)
                              for page in msg.navigation.app_pages}
                if run.expected_title is None and url_path in self.pages:
                    run.expected_title = self.pages[url_path][1]
            elif kind == "page_info_changed":
                self.query_string = run.query_string = msg.page_info_changed.query_string
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN:
                    run.reruns += 1
                    began = False  # the rerun starts with its own new_session
                    continue
                self.cache.run_ended(self.max_cached_message_age)
                if msg.script_finished in RUN_ENDS:
                    run.seconds = time.monotonic() - run.started
                    self.current_url_path = next(
                        (path for path, (h, _) in self.pages.items() if h == self.current_hash),
                        self.current_url_path)
                    return run

    def _note_delta(self, msg: ForwardMsg, run: PageRun) -> None:
        element = note_delta(msg, run)
        if element is None or element[0] == MAIN_AREA:
            return
        _, kind, proto = element
        widget_id = getattr(proto, "id", "")
        if widget_id.startswith("$$ID-"):  # a widget outside the main area: kept across pages
            self.kept_widgets[widget_id] = (kind, proto, getattr(proto, "query_param_key", ""))


def note_delta(msg: ForwardMsg, run: PageRun) -> tuple[int, str, object] | None:
    """Add a delta to `run`; for a new element, return (area, kind, its proto)."""
    run.deltas += 1
    if msg.delta.WhichOneof("type") != "new_element":
        return None
    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    run.element_counts[kind] = run.element_counts.get(kind, 0) + 1
    area = msg.metadata.delta_path[0] if msg.metadata.delta_path else MAIN_AREA
    text = element_text(element)
    if area == MAIN_AREA:
        run.main_tree[tuple(msg.metadata.delta_path)] = (kind, text)
        if run.first_content_s is None and run.started:
            run.first_content_s = time.monotonic() - run.started
    if text is not None:
        run.texts.append(text)
    return area, kind, getattr(element, kind)


def summarize_frames(payloads: list[bytes]) -> list[PageRun]:
    """Runs as a real browser received them (frames captured from Chromium's websocket),
    summarized the same way as the client's, to compare the two."""
    cache: dict[str, ForwardMsg] = {}
    runs: list[PageRun] = []
    current: PageRun | None = None
    for raw in payloads:
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        if msg.HasField("ref_hash") and msg.ref_hash in cache:
            resolved = ForwardMsg()
            resolved.CopyFrom(cache[msg.ref_hash])
            resolved.metadata.CopyFrom(msg.metadata)
            msg = resolved
        elif msg.hash:
            cache[msg.hash] = msg
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            current = PageRun(url_path="")
        elif current is None:
            continue
        elif kind == "delta":
            note_delta(msg, current)
        elif kind == "navigation":
            current.expected_title = next((p.page_name for p in msg.navigation.app_pages
                                           if p.page_script_hash == msg.navigation.page_script_hash), None)
        elif kind == "script_finished" and msg.script_finished in RUN_ENDS:
            runs.append(current)
            current = None
        if current is not None and error_of(msg):
            current.errors.append(error_of(msg))
    return runs
