"""Functions the sandbox tests run in a child process (importable there through PYTHONPATH)."""

import os
import re
import signal
import time


def echo(value):
    print("printed output must not disturb the answers")
    return value, os.getpid()


def sleep(seconds):
    time.sleep(seconds)
    return seconds


def catastrophic_regex(n):
    # Exponential backtracking inside the regex engine, which holds the GIL all the while: the
    # kind of work no thread can interrupt, only a process boundary.
    return bool(re.match(r"^(a+)+$", "a" * n + "!"))


def hog(step_mb=64):
    kept = []
    while True:
        kept.append(bytearray(step_mb * 1024 * 1024))


def segfault():
    os.kill(os.getpid(), signal.SIGSEGV)


def fail():
    raise ValueError("a message\nover two lines")


def environment(*names):
    return {n: os.environ.get(n) for n in names}
