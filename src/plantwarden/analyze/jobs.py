"""Captures analysed in the background, with progress: what the web console's upload uses.

:class:`Jobs` runs one analysis at a time in a worker thread of the serving process that took
the upload (analysis takes the CPU; a second upload to that worker waits its turn,
``queued``). Each job analyses its file (:func:`plantwarden.analyze.pipeline.analyze_capture`,
progress as bytes read of the file's size), records it into its site
(:func:`plantwarden.store.imports.record_capture`), calls ``done`` (the audit entry) and
deletes the file. A capture the readers refuse fails the job with their one-line message
(which names the file and the packet); nothing is stored then.

The jobs' state is in the store (``capture_jobs``, :mod:`plantwarden.analyze.job_models`), so
with ``serve --workers N`` any worker answers a poll. Progress is written at most every
:data:`PROGRESS_EVERY_S`; a heartbeat refreshes the worker's unfinished jobs every
:data:`HEARTBEAT_S`. A job whose worker is gone (its process no longer runs on this host, or
no heartbeat for :data:`STALE_S`) is failed with :data:`RESTARTED` by the next reader.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from plantwarden.analyze.job_models import CaptureJob
from plantwarden.errors import PlantwardenError
from plantwarden.store.engine import WRITE_OPTION
from plantwarden.store.types import utc_now

log = logging.getLogger(__name__)
Done = Callable[["Job"], None]
PROGRESS_EVERY_S = 0.25
HEARTBEAT_S = 5.0
STALE_S = 60.0
RESTARTED = "the server restarted during the analysis"
UNFINISHED = ("queued", "running")


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
    state: str
    progress: float
    message: str
    capture_id: int | None
    packets: int | None
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, row: CaptureJob) -> Job:
        return cls(
            row.id,
            row.site_id,
            row.name,
            row.size,
            row.owner,
            row.state,
            row.progress,
            row.message,
            row.capture_id,
            row.packets,
            row.created_at,
            row.finished_at,
        )

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


def process_gone(pid: int) -> bool:
    """Whether no process ``pid`` runs on this host (a zombie, killed but not yet reaped, is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):
        return True
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Jobs:
    """The jobs of one store: this worker runs its own one after the other in a thread, and
    reads anyone's."""

    def __init__(self, db_url: str, engine: Engine, keep: int = 200) -> None:
        self.db_url = db_url
        self.engine = engine
        self.keep = keep  # finished jobs kept per site
        self.host = os.uname().nodename
        self.pid = os.getpid()
        self._mine: set[str] = set()  # unfinished jobs this worker runs (the heartbeat's)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._beating: threading.Thread | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="capture-job")

    def _writing(self) -> Session:
        return Session(self.engine.execution_options(**{WRITE_OPTION: True}))

    def _set(self, job_id: str, **changes: Any) -> None:
        with self._writing() as session, session.begin():
            session.execute(
                update(CaptureJob).where(CaptureJob.id == job_id).values(updated_at=utc_now(), **changes)
            )

    def get(self, job_id: str, site_id: int) -> Job | None:
        """The job, if it belongs to that site; failed when the worker running it is gone."""
        with Session(self.engine) as session:
            row = session.get(CaptureJob, job_id)
            if row is None or row.site_id != site_id:
                return None
            if row.state in UNFINISHED and self._orphaned(row):
                session.close()
                self._fail_orphan(job_id)
                row = session.get(CaptureJob, job_id, populate_existing=True)
                assert row is not None
            return Job.of(row)

    def _orphaned(self, row: CaptureJob) -> bool:
        if row.host == self.host and row.pid != self.pid and process_gone(row.pid):
            return True
        return utc_now() - row.updated_at > timedelta(seconds=STALE_S)

    def _fail_orphan(self, job_id: str) -> None:
        now = utc_now()
        with self._writing() as session, session.begin():
            session.execute(
                update(CaptureJob)
                .where(CaptureJob.id == job_id, CaptureJob.state.in_(UNFINISHED))
                .values(state="failed", message=RESTARTED, finished_at=now, updated_at=now)
            )
        log.warning("capture job %s: %s", job_id, RESTARTED)

    def submit(self, path: Path, site_id: int, by: str, done: Done | None = None) -> Job:
        """Analyse ``path`` (a file in a folder of its own, both removed afterwards) into the site."""
        now = utc_now()
        row = CaptureJob(
            id=secrets.token_hex(8),
            site_id=site_id,
            name=path.name,
            size=path.stat().st_size,
            owner=by,
            state="queued",
            progress=0.0,
            message="",
            host=self.host,
            pid=self.pid,
            created_at=now,
            updated_at=now,
        )
        with self._lock:
            self._mine.add(row.id)  # before any other worker can read it: never taken for orphaned
        with self._writing() as session, session.begin():
            session.add(row)
            session.flush()
            job = Job.of(row)
            self._prune(session, site_id)
        with self._lock:
            if self._beating is None:
                self._beating = threading.Thread(target=self._heartbeat, name="capture-job-beat", daemon=True)
                self._beating.start()
        self._pool.submit(self._run, job, path, done)
        return job

    def _prune(self, session: Session, site_id: int) -> None:
        """Forget the site's finished jobs beyond the newest :attr:`keep`."""
        cutoff = session.scalars(
            select(CaptureJob.created_at)
            .where(CaptureJob.site_id == site_id)
            .order_by(CaptureJob.created_at.desc())
            .offset(self.keep)
            .limit(1)
        ).first()
        if cutoff is not None:
            session.execute(
                delete(CaptureJob).where(
                    CaptureJob.site_id == site_id,
                    CaptureJob.created_at <= cutoff,
                    CaptureJob.state.not_in(UNFINISHED),
                )
            )

    def _heartbeat(self) -> None:
        while not self._stop.wait(HEARTBEAT_S):
            with self._lock:
                mine = list(self._mine)
            if not mine:
                continue
            try:
                with self._writing() as session, session.begin():
                    session.execute(
                        update(CaptureJob)
                        .where(CaptureJob.id.in_(mine), CaptureJob.state.in_(UNFINISHED))
                        .values(updated_at=utc_now())
                    )
            except Exception:  # the store unreachable for a moment: beat again next time
                log.warning("capture jobs: heartbeat not written", exc_info=True)

    def _run(self, job: Job, path: Path, done: Done | None) -> None:
        try:
            self._analyse(job, path, done)
        finally:
            with self._lock:
                self._mine.discard(job.id)
            shutil.rmtree(path.parent, ignore_errors=True)

    def _analyse(self, job: Job, path: Path, done: Done | None) -> None:
        from plantwarden.analyze.pipeline import analyze_capture
        from plantwarden.store.imports import record_capture

        size = max(1, job.size)
        written = [0.0]

        def progress(read: int) -> None:
            now = time.monotonic()
            if now - written[0] >= PROGRESS_EVERY_S:
                written[0] = now
                self._set(job.id, progress=min(1.0, read / size))

        try:
            self._set(job.id, state="running")
            result = analyze_capture(path, progress=progress)
            capture_id = record_capture(self.db_url, result.doc, job.site_id)
            packets = result.doc.get("packets")
            skipped = [str(x["detail"]) for x in result.doc.get("skipped") or [] if x.get("detail")]
            changes: dict[str, Any] = {
                "message": "; ".join(skipped),  # what the readers passed over, naming the frame
                "state": "done",
                "progress": 1.0,
                "capture_id": capture_id,
                "packets": packets if isinstance(packets, int) else None,
                "finished_at": utc_now(),
            }
            self._set(job.id, **changes)
            if done is not None:
                done(replace(job, **changes))
        except PlantwardenError as exc:
            self._set(job.id, state="failed", message=str(exc), finished_at=utc_now())
        except Exception:
            log.exception("capture job %s failed", job.id)
            self._set(
                job.id, state="failed", message="internal error (see the server's log)", finished_at=utc_now()
            )

    def shutdown(self) -> None:
        self._stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
