"""Read and prepare a large file's records in a second process while this one writes.

An import has one writer (one transaction), but reading rows, preparing them
(prepare_record: conform, clean, normalise) and most of staging them (finish.py: IDs,
content hash, JSON) need no database: nearly half the work. For a large file a worker
process does that part, so two cores share the import: it sends the records back in
file order, in chunks, through a pipe, and a thread here receives them up to AHEAD chunks
ahead of the import, so the worker goes on while the import writes and memory stays
flat. What the worker cannot read is raised here as the reader would have raised it
in-process (SourceFormatError, OSError); anything else that goes wrong in it is raised as
a WorkerError naming the file and the line it had reached. Small files, and machines
with one core, are read in-process: starting a Python process costs more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import threading
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from importers.pipeline.finish import Finishing, finish_record
from importers.pipeline.gc_tuning import fewer_collections
from importers.pipeline.prepare import prepare_record
from importers.readers.record import Record, RecordError, SourceFormatError

Item = Record | RecordError
Reader = Callable[..., Iterator[Item]]

WORKER_MIN_BYTES = 2_000_000  # ~5,000 CarePlace rows; a worker takes ~1 s to start
CHUNK = 200  # records per message
AHEAD = 25  # chunks received before the import asks for them (5,000 records, ~25 MB)
RAISED_AS_IS = (SourceFormatError, OSError)  # what readers raise about the file itself


class WorkerError(RuntimeError):
    """The worker process failed (a bug or a crash, not a bad file): where, and why."""


def read_prepared(
    reader: Reader, path: Path, *args: Any, finishing: Finishing | None = None, **kwargs: Any
) -> Iterator[Item]:
    """`reader(path, *args, **kwargs)`'s items, prepared by a worker process when the file
    is large enough to be worth one (else the pipeline prepares them as it goes), and
    with `finishing` (the import's source) finished too where they need no database."""
    if not worth_a_worker(path):
        return reader(path, *args, **kwargs)
    return read_in_worker(reader, path, *args, finishing=finishing, **kwargs)


def worth_a_worker(path: Path) -> bool:
    """A regular file of WORKER_MIN_BYTES or more, and a second core to run a worker on."""
    try:
        big = path.is_file() and path.stat().st_size >= WORKER_MIN_BYTES
    except OSError:
        return False  # the reader will say what is wrong with it
    return big and usable_cpus() > 1


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def read_in_worker(
    reader: Reader, path: Path, *args: Any, finishing: Finishing | None = None, **kwargs: Any
) -> Iterator[Item]:
    """The worker starts at the first item and is stopped if the import stops early.

    A worker that cannot start, or stops before sending anything, leaves the file to be
    read in-process. The worker is a fresh interpreter (multiprocessing's "spawn": no
    database connection or lock inherited by a fork), which imports the calling script
    as a module: a script must keep its work under `if __name__ == "__main__":`, as
    multiprocessing requires (the signpost command, bench/ and pytest do). One that does
    not is stopped by multiprocessing in the worker, and its file read in-process.
    """
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing inherited
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(
        target=work,
        args=(sending, reader, path, args, kwargs, finishing),
        name=f"signpost import worker ({path.name})",
        daemon=True,
    )
    try:
        process.start()
        started = True
    except (pickle.PicklingError, AttributeError, TypeError, OSError):
        started = False  # a reader or argument that cannot be pickled; no process to be had
    sending.close()  # the worker holds the only sending end: its exit ends the pipe
    ahead = _Ahead(receiving) if started else None
    try:
        if ahead:
            yield from _received(ahead, process, path)
            return
    except _NothingReceived:
        pass
    finally:
        if started and process.is_alive():
            process.terminate()  # the import stopped early
        if ahead:
            process.join()  # its end of the pipe is closed now, so the receiving thread ends
            ahead.stop()
        receiving.close()
    yield from reader(path, *args, **kwargs)


class _NothingReceived(Exception):
    """The worker stopped before sending its first message."""


class _Ahead:
    """Receives the worker's messages on a thread, up to AHEAD chunks before the import
    asks for them. A pipe holds about one chunk, so the worker would otherwise wait each
    time the import writes a batch, and the two would take turns instead of overlapping."""

    def __init__(self, receiving: Connection) -> None:
        self.receiving = receiving
        self.queue: queue.Queue[tuple[str, Any] | None] = queue.Queue(AHEAD)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._receive, name="import receiver", daemon=True)
        self.thread.start()

    def next(self) -> tuple[str, Any] | None:
        """The next message, or None once the pipe has ended."""
        return self.queue.get()

    def stop(self) -> None:
        """Call once the worker has exited: its end of the pipe is closed, so the thread
        is not left waiting for a message."""
        self.stopped.set()
        self.thread.join()

    def _receive(self) -> None:
        while True:
            message: tuple[str, Any] | None
            try:
                message = self.receiving.recv()
            except (EOFError, OSError):
                message = None
            except Exception as exc:  # noqa: BLE001 - e.g. an item that cannot be unpickled
                message = ("error", WorkerError(f"a message from the worker was unreadable: {exc}"))
            while not self.stopped.is_set():
                try:
                    self.queue.put(message, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if message is None or message[0] != "items" or self.stopped.is_set():
                return


def _received(ahead: _Ahead, process: BaseProcess, path: Path) -> Iterator[Item]:
    """The worker's items in order, until it says it is done or raises what it hit."""
    position = None
    while True:
        message = ahead.next()
        if message is None:
            if position is None:
                raise _NothingReceived from None
            process.join()
            raise WorkerError(
                f"{path.name}: the worker process reading it stopped "
                f"(exit code {process.exitcode}) after {position}"
            )
        kind, payload = message
        position = position or "the start"
        if kind == "done":
            return
        if kind == "error":
            raise payload
        for item in payload:
            yield item
            position = item.position


def work(
    sending: Connection,
    reader: Reader,
    path: Path,
    args: tuple,
    kwargs: dict,
    finishing: Finishing | None = None,
) -> None:
    """The worker process: read, prepare (and finish) and send every item, then "done"
    or the error."""
    chunk: list[Item] = []
    categories: dict[str, list[str]] = {}
    where = "the start"
    with fewer_collections():
        try:
            for item in reader(path, *args, **kwargs):
                if isinstance(item, Record):
                    where = item.position
                    prepare_record(item)
                    if finishing is not None:
                        finish_record(item, finishing, categories)
                chunk.append(item)
                if len(chunk) >= CHUNK:
                    sending.send(("items", chunk))
                    chunk = []
                where = f"after {item.position}"
            sending.send(("items", chunk))
            sending.send(("done", None))
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the import
            sending.send(("items", chunk))
            sending.send(("error", _sendable(exc, path, where)))
        finally:
            sending.close()


def _sendable(exc: BaseException, path: Path, where: str) -> BaseException:
    """What to raise in the importing process: a reader's own error about the file as it
    is; anything else as a WorkerError naming the file and position, with the traceback."""
    if isinstance(exc, RAISED_AS_IS) and _picklable(exc):
        return exc
    error = WorkerError(f"{path.name}, {where}: {type(exc).__name__}: {exc}")
    error.add_note("In the import's worker process:\n" + "".join(traceback.format_exception(exc)))
    return error


def _picklable(exc: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any failure means "send a WorkerError instead"
        return False
    return True
