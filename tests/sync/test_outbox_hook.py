"""The outbox hook is installed by the service layer (services.unlock.install_hooks), not by the store."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_the_store_alone_installs_no_outbox_hook_and_unlocking_does(tmp_path):
    code = textwrap.dedent(f"""
        from pathlib import Path
        from sqlalchemy import event
        from lpt_desktop.store.database import Database
        from lpt_desktop.store.keyfile import KdfParams
        from lpt_desktop.store.models import Person
        from lpt_desktop.sync import outbox

        def hooked():
            return event.contains(Person, "after_insert", outbox._after_insert)

        Database.create(Path({str(tmp_path / "a.lptdb")!r}), "passphrase", KdfParams.fast()).close()
        assert not hooked(), "the store installed the outbox hook"
        from lpt_desktop.services.unlock import install_hooks, unlock
        db = unlock(Path({str(tmp_path / "a.lptdb")!r}), "passphrase")
        db.close()
        assert hooked(), "unlocking did not install the outbox hook"
        install_hooks()  # idempotent: still one listener
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
