"""MCPD rows read and checked in batches: in a forked child process for a large file, while the parent writes."""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from genebank.core.jobs import worker_forks_safely
from genebank.exchange import safe_files
from genebank.exchange.mcpd import (
    Problem,
    RowReader,
    iter_raw_rows,
)
from genebank.exchange.mcpd_row import MCPD_VALUES
from genebank.exchange.pdci import pdci_points
from genebank.exchange.readers import ReadError, read_table

logger = logging.getLogger(__name__)

BATCH = 2000


def _read_and_check(path: Path, sheet, header_row: int, mapping, reader: RowReader):
    """_checked_here of the file: the work of a child that reads a workbook as well."""
    table = read_table(path, sheet=sheet, header_row=header_row)
    yield from _checked_here(table, mapping, reader)


# Files with at least this many rows are checked in a second process while this one writes.
PARALLEL_ROWS = 10_000


def _checked_batches(
    table, mapping, reader: RowReader
) -> _from_child | Generator[list[tuple], None, None]:
    """Batches of checked rows in file order, as _checked_here makes them.

    Each batch holds BATCH rows to import and the left-out rows among them. Checking a row is
    pure computation, so for a large file a forked child process does it (reading the file as
    well) and sends the batches through a pipe, while this process plans and writes: the two
    cores of a small server both work. Only from a single-threaded process (the command line):
    forking a threaded web server could copy a lock held by another thread. The child never
    touches the database, and leaves with os._exit (multiprocessing), so the connection it
    inherited is never closed by it.
    """
    if table.estimate >= PARALLEL_ROWS and _may_fork():
        return _from_child(_checked_here, table, mapping, reader)
    return _checked_here(table, mapping, reader)


def _may_fork() -> bool:
    # A worker's heartbeat thread is the one other thread allowed: the child never uses its lock
    # or its connection.
    return hasattr(os, "fork") and (threading.active_count() == 1 or worker_forks_safely())


def _checked_here(table, mapping, reader: RowReader) -> Generator[list[tuple], None, None]:
    """Batches of (row number, 41 values or None for a row left out, problems, given, PDCI).

    Plain tuples: a batch crosses a pipe from the checking process, and a tuple of texts is
    quicker to send than a Row with its dict of field names.
    """
    items: list[tuple] = []
    rows = 0
    for number, raw, problems in iter_raw_rows(table, mapping):
        if raw is None:
            items.append((number, None, problems, None, None))
            continue
        row = reader.read(number, raw)
        if problems:
            # Found while reading the row (a line break where none belongs): first, as in the file.
            accenumb = row.values["ACCENUMB"]
            row.problems[:0] = [
                Problem(p.field, p.value, p.message, p.severity, number, accenumb) for p in problems
            ]
        values = MCPD_VALUES(row.values)
        # Here rather than when writing: in a large import this runs in the checking process.
        pdci = None if row.has_error else pdci_points(values)
        items.append((number, values, row.problems, row.given, pdci))
        rows += 1
        if rows >= BATCH:
            yield items
            items, rows = [], 0
    yield items


def _child_main(connection_out, work: Callable[..., Iterable], args: tuple) -> None:
    # What the child inherited (Django, the parsers' tables) lives until it exits: out of the
    # garbage collector's sight, so its collections do not scan it again and again.
    gc.freeze()
    if safe_files.can_limit_memory():
        # It reads an uploaded file: a file that asks for more memory ends this process only.
        safe_files.limit_memory()
    try:
        for item in work(*args):
            connection_out.send(("item", item))
        connection_out.send(("done", None))
    except BaseException as exc:  # noqa: BLE001 - every failure must reach the parent
        try:
            connection_out.send(("error", exc))
        except Exception:  # an exception that cannot be pickled
            connection_out.send(("error", RuntimeError(repr(exc))))
    finally:
        connection_out.close()


class _from_child:  # noqa: N801 - used like the generator it replaces
    """The items of work(*args), run in a forked process and sent back through a pipe.

    The child starts at once (the caller works meanwhile) and gets the arguments as they are in
    memory (fork: nothing is pickled); it leaves with os._exit (multiprocessing), so a database
    connection it inherited is never closed by it. An exception in the child is raised here.
    close() stops the child if it is still working.
    """

    def __init__(self, work: Callable[..., Iterable], *args):
        self.file_name = next((a.name for a in args if isinstance(a, Path)), None)
        context = multiprocessing.get_context("fork")
        self.receiving, sending = context.Pipe(duplex=False)
        self.child = context.Process(target=_child_main, args=(sending, work, args), daemon=True)
        self.child.start()
        sending.close()

    def __iter__(self) -> Iterator:
        return self

    def __next__(self):
        try:
            kind, payload = self.receiving.recv()
        except EOFError:
            self.close()
            # It died without a word: killed by the memory limit or by a parser's abort.
            name = self.file_name or _("The file")
            raise ReadError(safe_files.stopped_message(name, self.child.exitcode)) from None
        except BaseException:
            self.close()
            raise
        if kind == "item":
            return payload
        self.close()
        if kind == "error":
            if isinstance(payload, MemoryError):
                raise ReadError(safe_files.memory_message(self.file_name or _("The file")))
            if not isinstance(payload, Exception):
                # A native parser's panic (pyo3's PanicException is a BaseException).
                raise ReadError(safe_files.stopped_message(self.file_name or _("The file"), None))
            raise payload
        raise StopIteration

    def close(self) -> None:
        self.receiving.close()
        if self.child.is_alive():
            self.child.terminate()
        self.child.join()
