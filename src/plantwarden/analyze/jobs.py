"""Captures analysed in the background, with progress: what the web console's upload uses.

:class:`Jobs` runs one analysis at a time in a worker thread (analysis takes the CPU; a
second upload waits its turn, ``queued``). Each job analyses its file
(:func:`plantwarden.analyze.pipeline.analyze_capture`, progress as bytes read of the file's
size), records it into its site (:func:`plantwarden.store.imports.record_capture`), calls
``done`` (the audit entry) and deletes the file. A capture the readers refuse fails the job
with their one-line message (which names the file and the packet); nothing is stored then.

Jobs live in the process's memory: a restart forgets them (the captures they stored stay),
and with ``serve --workers N`` a job is known to the worker that took the upload only.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from plantwarden.errors import PlantwardenError
from plantwarden.store.types import utc_now

log = logging.getLogger(__name__)
Done = Callable[["Job"], None]


@dataclass(frozen=True, slots=True)
class Job:
    """One upload's analysis: ``queued``, ``running``, ``done`` (``capture_id``; ``message``:
    what the readers skipped, if anything) or ``failed`` (``message``: why); ``progress`` 0..1
    of the file read."""

    id: str
    site_id: int
    name: str
    size: int
    by: str
    state: str = "queued"
    progress: float = 0.0
    message: str = ""
    capture_id: int | None = None
    packets: int | None = None
    created_at: datetime = field(default_factory=utc_now)
    finished_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "size": self.size,
            "by": self.by,
            "state": self.state,
            "progress": round(self.progress, 4),
            "message": self.message,
            "capture_id": self.capture_id,
            "packets": self.packets,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
        }


class Jobs:
    """The jobs of one store, run one after the other in a worker thread."""

    def __init__(self, db_url: str, keep: int = 200) -> None:
        self.db_url = db_url
        self.keep = keep
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="capture-job")

    def get(self, job_id: str, site_id: int) -> Job | None:
        """The job, if it belongs to that site."""
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.site_id == site_id else None

    def _set(self, job_id: str, **changes: Any) -> Job:
        with self._lock:
            job = replace(self._jobs[job_id], **changes)
            self._jobs[job_id] = job
            return job

    def submit(self, path: Path, site_id: int, by: str, done: Done | None = None) -> Job:
        """Analyse ``path`` (a file in a folder of its own, both removed afterwards) into the site."""
        job = Job(secrets.token_hex(8), site_id, path.name, path.stat().st_size, by)
        with self._lock:
            self._jobs[job.id] = job
            for old in list(self._jobs)[: max(0, len(self._jobs) - self.keep)]:
                if self._jobs[old].state in ("done", "failed"):
                    del self._jobs[old]
        self._pool.submit(self._run, job.id, path, done)
        return job

    def _run(self, job_id: str, path: Path, done: Done | None) -> None:
        from plantwarden.analyze.pipeline import analyze_capture
        from plantwarden.store.imports import record_capture

        size = max(1, self._jobs[job_id].size)
        try:
            job = self._set(job_id, state="running")

            def progress(read: int) -> None:
                self._set(job_id, progress=min(1.0, read / size))

            result = analyze_capture(path, progress=progress)
            capture_id = record_capture(self.db_url, result.doc, job.site_id)
            packets = result.doc.get("packets")
            skipped = [str(x["detail"]) for x in result.doc.get("skipped") or [] if x.get("detail")]
            job = self._set(
                job_id,
                message="; ".join(skipped),  # what the readers passed over, naming the frame
                state="done",
                progress=1.0,
                capture_id=capture_id,
                packets=packets if isinstance(packets, int) else None,
                finished_at=utc_now(),
            )
            if done is not None:
                done(job)
        except PlantwardenError as exc:
            self._set(job_id, state="failed", message=str(exc), finished_at=utc_now())
        except Exception:
            log.exception("capture job %s failed", job_id)
            self._set(
                job_id, state="failed", message="internal error (see the server's log)", finished_at=utc_now()
            )
        finally:
            shutil.rmtree(path.parent, ignore_errors=True)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
