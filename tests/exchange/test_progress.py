"""The import command's progress on a terminal: one bar for rows checked, one for rows written."""

import importlib

import tqdm


class FakeBar:
    made: list["FakeBar"] = []

    def __init__(self, desc, unit, file, leave, position):
        self.desc, self.position, self.n, self.closed = desc, position, 0, False
        FakeBar.made.append(self)

    def update(self, n):
        self.n += n

    def close(self):
        self.closed = True


def test_checking_and_writing_alternate_on_two_bars(monkeypatch):
    monkeypatch.setattr(tqdm, "tqdm", FakeBar)
    FakeBar.made = []
    command = importlib.import_module("genebank.exchange.management.commands.import").Command()
    for done in (2000, 4000):
        command.progress("checked", done)
        command.progress("written", done)
    command.progress("checked", 5000)
    assert [(b.desc, b.position, b.n) for b in FakeBar.made] == [
        ("checked", 0, 5000),
        ("written", 1, 4000),
    ]
    command.close_progress()
    assert all(b.closed for b in FakeBar.made)
