"""Measurements that need a fresh interpreter: `python -m bench.probes NAME ARGS...`.

Each probe prints one JSON object on its last line of stdout. Only the standard library is
imported at module level, so a probe's own start-up cost is the same for the app and its baseline.
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

# Standard library only, like this module: the probe's start-up cost stays that of a bare interpreter.
from bench.common import evict_from_os_cache as _evict  # noqa: E402
from bench.common import peak_rss_mib as _rss_mib  # noqa: E402


def _emit(doc: dict) -> None:
    print(json.dumps(doc), flush=True)


def cold_plain(db: str, sql: str) -> None:
    import sqlite3

    path = Path(db)
    evicted = _evict(path, path.with_name(path.name + "-wal"))
    conn = sqlite3.connect(path)
    started = time.perf_counter()
    n = len(conn.execute(sql).fetchall())
    first = time.perf_counter() - started
    conn.close()
    _emit({"first": first, "rows": n, "evicted": evicted, "rss_mib": _rss_mib()})


def cold_store(db: str, today: str) -> None:
    from datetime import date

    from bench.common import BENCH_PASSPHRASE
    from lpt_desktop.services.caseload import load_caseload
    from lpt_desktop.store.database import Database
    from lpt_desktop.store.keyfile import key_path_for

    path = Path(db)
    day = date.fromisoformat(today)
    rss_before = _rss_mib()
    evicted = _evict(path, path.with_name(path.name + "-wal"), key_path_for(path))
    started = time.perf_counter()
    database = Database.open(path, BENCH_PASSPHRASE, migrate=False)
    opened = time.perf_counter() - started
    try:
        started = time.perf_counter()
        n = len(load_caseload(database, day))
        first = time.perf_counter() - started
        started = time.perf_counter()
        load_caseload(database, day)
        second = time.perf_counter() - started
    finally:
        database.close()
    _emit({"open": opened, "first": first, "second": second, "rows": n, "evicted": evicted,
           "rss_before_mib": rss_before, "rss_mib": _rss_mib()})


def cold_split(db: str, today: str) -> None:
    """The first caseload load's parts, cold, each timed in the order load_caseload runs them (wall and CPU)."""
    from datetime import date

    from bench.common import BENCH_PASSPHRASE
    from lpt_desktop.services.caseload import load_caseload, warm_up
    from lpt_desktop.services.countersign import awaiting_by_person
    from lpt_desktop.services.obligations import next_due_by_person
    from lpt_desktop.services.tiering import caseload_tiers
    from lpt_desktop.store.database import Database
    from lpt_desktop.store.keyfile import key_path_for

    path = Path(db)
    day = date.fromisoformat(today)
    warm_up()  # as the window does while the passphrase is typed
    _evict(path, path.with_name(path.name + "-wal"), key_path_for(path))
    database = Database.open(path, BENCH_PASSPHRASE, migrate=False)
    out: dict = {}
    try:
        for part, fn in (("next_due", lambda: next_due_by_person(database, day)),
                         ("tiers", lambda: caseload_tiers(database, day)),
                         ("awaiting", lambda: awaiting_by_person(database)),
                         ("rows", lambda: load_caseload(database, day))):
            started, cpu = time.perf_counter(), time.process_time()
            fn()
            out[part], out[part + "_cpu"] = time.perf_counter() - started, time.process_time() - cpu
    finally:
        database.close()
    _emit(out)


def qt_bare() -> None:
    """The launch floor: QApplication, one QMainWindow shown, events processed once."""
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.resize(800, 600)
    window.show()
    app.processEvents()
    ready = time.perf_counter() - _T0
    _emit({"ready": ready, "cpu": time.process_time(), "windows": [window.windowTitle()]})
    print("READY", flush=True)
    window.close()


def _building() -> bool:
    """Whether a visible window still says it is being built (its dynamic property "lptBuilding")."""
    return any(bool(w.property("lptBuilding")) for w in _visible_windows())


def _wait_built(app, limit_s: float) -> float | None:  # noqa: ANN001
    """perf_counter when no window says it is building any more (None if none ever said so)."""
    from PySide6.QtCore import QEventLoop, QTimer

    if not _building():
        return None
    tick = QTimer()
    tick.start(2)
    end = time.perf_counter() + limit_s
    while _building() and time.perf_counter() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    tick.stop()
    return time.perf_counter()


def _visible_windows() -> list:
    from PySide6.QtWidgets import QApplication

    return [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isWindow()]


def _patch_exec(on_exec) -> None:  # noqa: ANN001 - a callable(app, original_exec) -> int
    """Replace exec() on the Qt application classes so the probe runs when the app enters its loop.

    This is the only assumption made about the app: that main() builds a Q*Application and calls
    its exec() (as an instance or static call) once its first window is up.
    """
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    originals = {cls: cls.exec for cls in (QCoreApplication, QGuiApplication, QApplication)}

    def patched(*_args: object) -> int:
        app = QCoreApplication.instance()
        for cls, fn in originals.items():
            cls.exec = fn
        return on_exec(app, originals[QApplication])

    for cls in originals:
        cls.exec = patched


def _run_app_main(module: str, argv: list[str]) -> int:
    import importlib

    sys.argv = ["lpt-desktop", *argv]
    main = importlib.import_module(module).main
    try:
        code = main()
    except SystemExit as exc:  # main() may call sys.exit(app.exec())
        code = exc.code
    return int(code or 0)


def gui_launch(module: str, db: str) -> None:
    """Launch to unlock prompt: from interpreter start to the app's first window shown."""

    def on_exec(app, _original) -> int:  # noqa: ANN001
        app.processEvents()
        ready = time.perf_counter() - _T0
        cpu = time.process_time()  # the whole process (every thread) since it started
        windows = [type(w).__name__ + ":" + (w.windowTitle() or w.objectName()) for w in _visible_windows()]
        _emit({"ready": ready, "cpu": cpu, "windows": windows})
        print("READY", flush=True)
        # An app that shows its prompt first and builds the rest of its window afterwards says so with the
        # window's dynamic property "lptBuilding"; how long the rest took is reported too (not hidden).
        built = _wait_built(app, 60)
        if built is not None:
            _emit({"built": built - _T0, "built_cpu": time.process_time()})
        return 0

    _patch_exec(on_exec)
    code = _run_app_main(module, ["--db", db])
    if code:
        raise SystemExit(code)


# -- driving the real window, knowing only Qt ---------------------------------------------------
# The GUI benchmarks find widgets by type, preferring these object names if the GUI sets them.
PASSPHRASE_NAMES = ("passphraseEdit", "passphrase")
FILTER_NAMES = ("caseloadFilter", "filterEdit", "filter", "search")
VIEW_NAMES = ("caseloadView", "caseloadTable")


def _find_edit(password: bool, names: tuple[str, ...]):  # noqa: ANN202
    from PySide6.QtWidgets import QLineEdit

    found = []
    for window in _visible_windows():
        for edit in window.findChildren(QLineEdit):
            if not edit.isVisible() or edit.isReadOnly():
                continue
            is_password = edit.echoMode() != QLineEdit.EchoMode.Normal
            if is_password == password:
                found.append(edit)
    for name in names:
        for edit in found:
            if edit.objectName() == name:
                return edit
    if not password:
        hints = ("filter", "search", "name", "crn")
        for edit in found:
            text = f"{edit.objectName()} {edit.placeholderText()} {edit.accessibleName()}".lower()
            if any(h in text for h in hints):
                return edit
    return found[0] if found else None


def _find_view(min_rows: int):  # noqa: ANN202
    from PySide6.QtWidgets import QAbstractItemView

    views = []
    for window in _visible_windows():
        for view in window.findChildren(QAbstractItemView):
            model = view.model()
            if view.isVisible() and model is not None and model.rowCount() >= min_rows:
                views.append(view)
    for name in VIEW_NAMES:
        for view in views:
            if view.objectName() == name:
                return view
    return max(views, key=lambda v: v.model().rowCount()) if views else None


def _address(obj) -> int:  # noqa: ANN001
    import shiboken6

    return shiboken6.getCppPointer(obj)[0]


class _Driver:
    """Steps run from the event loop; each step polls until its condition holds or time runs out."""

    def __init__(self, app, timeout_s: float) -> None:  # noqa: ANN001
        from PySide6.QtCore import QEvent, QObject

        self.app = app
        self.deadline = time.perf_counter() + timeout_s
        self.result: dict = {}
        self.error = ""
        self.cpu_at_enter = 0.0
        # C++ address of a widget -> perf_counter of its last paint. (Not id(): PySide wrappers
        # of the same widget come and go, and a dead wrapper's id is reused by the next.)
        self.last_paint: dict[int, float] = {}

        driver = self

        class PaintSpy(QObject):
            def eventFilter(self, obj, event) -> bool:  # noqa: ANN001, N802 - Qt's name
                if event.type() == QEvent.Type.Paint:
                    driver.last_paint[_address(obj)] = time.perf_counter()
                return False

        self.spy = PaintSpy()
        app.installEventFilter(self.spy)
        from PySide6.QtCore import QTimer

        self.tick = QTimer()
        self.tick.setInterval(2)
        self.tick.start()  # wakes WaitForMoreEvents at least every 2 ms

    def wait_for(self, condition, limit_s: float | None = None):  # noqa: ANN001, ANN201
        from PySide6.QtCore import QEventLoop

        # Sleep in the event loop between checks instead of spinning: a busy probe would take a CPU
        # from the app (its worker thread, Argon2's lanes) on a small machine. The tick timer only
        # bounds how long a check waits; times come from the paint spy, not from these checks.
        end = min(self.deadline, time.perf_counter() + limit_s) if limit_s else self.deadline
        while time.perf_counter() < end:
            value = condition()
            if value:
                return value
            self.app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        return None

    def painted_since(self, view, since: float) -> bool:  # noqa: ANN001
        return self.last_paint.get(_address(view.viewport()), 0.0) > since

    def unlock(self, passphrase: str) -> float:
        """Type the passphrase and press Enter; returns the perf_counter time Enter was pressed.

        An officer takes a few seconds to type a passphrase: a window that builds itself after showing the prompt
        (see _building) has finished by then, so Enter is pressed once it has (and `self.cpu_at_enter` is kept)."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        edit = self.wait_for(lambda: _find_edit(True, PASSPHRASE_NAMES), 30)
        if edit is None:
            raise LookupError("no passphrase field (a visible QLineEdit in Password mode) appeared")
        self.wait_for(lambda: not _building(), 60)
        edit.setFocus()
        QTest.keyClicks(edit, passphrase)
        self.cpu_at_enter = time.process_time()
        pressed = time.perf_counter()
        QTest.keyClick(edit, Qt.Key.Key_Return)
        return pressed


_BALLAST: list = []


def _guard_none_refcount() -> dict:
    """Work around PySide6 builds that drop a reference to None on every void call (6.12.0 on Python 3.11).

    On such a build, a few thousand Qt calls take None's reference count to zero and CPython aborts
    ("Fatal Python error: none_dealloc"). Python 3.12+ made None immortal, so only 3.11 is hit.
    Holding extra references keeps a benchmark alive long enough to measure; the app itself is not
    protected, which is why the harness reports the defect.
    """
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(1000):
        probe.setObjectName("probe")  # returns None: a sound build leaves None's count unchanged
    lost = before - sys.getrefcount(None)
    if lost >= 900:
        _BALLAST.extend([None] * 50_000_000)
    return {"none_refs_lost_per_void_call": round(lost / 1000, 2)}


def _drive(module: str, db: str, passphrase: str, steps, timeout_s: float) -> None:  # noqa: ANN001
    outcome: dict = {}

    def on_exec(app, original) -> int:  # noqa: ANN001
        from PySide6.QtCore import QTimer

        outcome.update(_guard_none_refcount())
        driver = _Driver(app, timeout_s)

        def run() -> None:
            try:
                start_refs = sys.getrefcount(None)
                outcome.update(steps(driver, passphrase))
                outcome["none_refs_lost_in_steps"] = start_refs - sys.getrefcount(None)
            except Exception as exc:  # noqa: BLE001 - reported to the harness, not raised
                outcome["error"] = f"{type(exc).__name__}: {exc}"
            app.quit()

        QTimer.singleShot(0, run)
        return original()

    _patch_exec(on_exec)
    try:
        _run_app_main(module, ["--db", db])
    except Exception as exc:  # noqa: BLE001
        outcome.setdefault("error", f"{type(exc).__name__}: {exc}")
    _emit(outcome)


def _unlock_to_painted(driver: _Driver, passphrase: str, rows: int) -> tuple[float, object]:
    pressed = driver.unlock(passphrase)
    view = driver.wait_for(lambda: _find_view(rows))
    if view is None:
        raise LookupError(f"no visible item view with {rows} rows appeared after unlocking")
    if not driver.wait_for(lambda: driver.painted_since(view, pressed)):
        raise LookupError("the caseload view was never painted")
    return driver.last_paint[_address(view.viewport())] - pressed, view


def gui_unlock_paint(module: str, db: str, passphrase: str, rows: str) -> None:
    """Unlock to caseload painted: Enter in the passphrase field to the first paint with all rows."""

    def steps(driver: _Driver, pp: str) -> dict:
        elapsed, view = _unlock_to_painted(driver, pp, int(rows))
        # CPU of the whole process (every thread) from Enter to the paint being seen: a guide where the machine is
        # shared and the wall clock waits for other work.
        cpu = time.process_time() - driver.cpu_at_enter
        return {"elapsed": elapsed, "cpu": cpu, "rows": view.model().rowCount()}

    _drive(module, db, passphrase, steps, timeout_s=120)


def gui_filter(module: str, db: str, passphrase: str, rows: str, terms: str) -> None:
    """Filtering: a keystroke in the filter field to the view painted with the new row count."""
    from PySide6.QtCore import Qt

    def steps(driver: _Driver, pp: str) -> dict:
        from PySide6.QtCore import QThreadPool
        from PySide6.QtTest import QTest

        _elapsed, view = _unlock_to_painted(driver, pp, int(rows))
        # The window's background work after unlock (what is due, sync status) holds the GIL while it
        # runs; filtering is timed once it has settled (gui-unlock-paint covers the unlock itself).
        settle_started = time.perf_counter()
        # The app's reads run on Python threads, not Qt's pool: its window says while any is running ("lptBusy").
        # One read starts after another (the columns after the first paint), so settled means quiet for a while.
        def busy() -> bool:
            return QThreadPool.globalInstance().activeThreadCount() > 0 or any(
                bool(w.property("lptBusy")) for w in _visible_windows())

        quiet_since: float | None = None
        while time.perf_counter() - settle_started < 60:
            now = time.perf_counter()
            if busy():
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= 1.5:
                break
            driver.wait_for(lambda: False, 0.05)
        settle = time.perf_counter() - settle_started
        edit = driver.wait_for(lambda: _find_edit(False, FILTER_NAMES), 10)
        if edit is None:
            raise LookupError("no filter field (a visible, editable, non-password QLineEdit) found")
        samples: list[float] = []
        details = []
        for term in terms.split(","):
            # Type all but the last character, let it settle, then time the last keystroke
            # and, after it, clearing the field (Ctrl+A, Backspace).
            edit.setFocus()
            edit.clear()
            driver.wait_for(lambda: view.model().rowCount() >= int(rows), 10)
            QTest.keyClicks(edit, term[:-1])
            driver.wait_for(lambda: False, 0.3)
            for action in ("type", "clear"):
                before = view.model().rowCount()
                pressed = time.perf_counter()
                if action == "type":
                    QTest.keyClick(edit, term[-1])
                else:
                    QTest.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
                    QTest.keyClick(edit, Qt.Key.Key_Backspace)

                def settled(before: int = before, pressed: float = pressed) -> bool:
                    return view.model().rowCount() != before and driver.painted_since(view, pressed)

                if not driver.wait_for(settled, 5):
                    details.append({"term": term, "action": action, "rows_before": before,
                                    "rows_after": view.model().rowCount(), "seconds": None})
                    continue
                samples.append(driver.last_paint[_address(view.viewport())] - pressed)
                details.append({"term": term, "action": action, "rows_before": before,
                                "rows_after": view.model().rowCount(), "seconds": samples[-1]})
        if not samples:
            raise LookupError(f"typing {terms!r} in the filter field never changed the view's rows")
        return {"samples": samples, "details": details, "field": edit.objectName() or edit.placeholderText(),
                "settle_seconds": settle}

    _drive(module, db, passphrase, steps, timeout_s=600)


PROBES = {
    "cold-plain": cold_plain,
    "cold-store": cold_store,
    "cold-split": cold_split,
    "qt-bare": qt_bare,
    "gui-launch": gui_launch,
    "gui-unlock-paint": gui_unlock_paint,
    "gui-filter": gui_filter,
}

if __name__ == "__main__":
    PROBES[sys.argv[1]](*sys.argv[2:])
