"""The one lock for importing SQLAlchemy and the services on a worker thread.

SQLAlchemy's modules import one another part way through: two threads importing them at once fail (one sees a
half-made module). The staged window imports them on a worker while the officer types the passphrase
(main_window._warm_imports); anything else that imports them off the UI thread takes this lock first.
"""

from __future__ import annotations

import threading

IMPORTS = threading.Lock()
