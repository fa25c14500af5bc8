"""A progress bar on stderr for the project's long scripts (stdlib only).

    from progress import Progress

    with Progress(8, "Screenshots") as progress:
        for page in pages:
            shoot(page)
            progress.advance()

``advance(label=...)`` also names the next piece of work; ``refresh()``, called now
and then during a long one, shows the time going by.

On a terminal it redraws one line, ``Screenshots [#####.....] 4/8 12s``; elsewhere (a
log, CI) it prints plain lines, ``Screenshots: 4/8 (12s)``, a few of them however much
work there is. ``Progress(None, label)`` counts without a total.

Run as a script, it reports the progress of a shell loop, one line per item read on
stdin: ``for f in ...; do work "$f"; echo; done | python3 scripts/progress.py 8 Label``;
a line's text, when it has one, becomes the label of what comes next
(``scripts/progress.sh`` wraps this for the shell scripts).
"""

import os
import select
import shutil
import sys
import time

__all__ = ["Progress"]


class Progress:
    """Counts ``total`` units of work under ``label`` and shows it on ``stream``.

    On a terminal the bar is redrawn at most every ``interval`` seconds. Elsewhere a
    line is printed when a tenth of the total more is done, when the label changes,
    or ``plain_interval`` seconds after the previous line, and at the end: a log gets
    a few lines, not one per unit of work.
    """

    def __init__(
        self,
        total,
        label="",
        *,
        stream=None,
        width=30,
        interval=0.1,
        plain_interval=30.0,
    ):
        self.total = total if total is None else max(int(total), 0)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.interval = interval
        self.plain_interval = plain_interval
        self.done = 0
        self.start = time.monotonic()
        self.tty = _isatty(self.stream)
        self._closed = False
        self._drawn_at = None
        self._drawn = None  # (done, label) of the last line printed in plain mode
        self._draw()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False

    @property
    def elapsed(self):
        return time.monotonic() - self.start

    def advance(self, n=1, label=None):
        """``n`` more units done; ``label`` replaces the label from now on."""
        if self._closed:
            return
        self.done += n
        if self.total is not None:
            self.done = min(self.done, self.total)
        if label is not None:
            self.label = label
        self._draw()

    def refresh(self):
        """Show the time going by during a long unit of work: call it now and then
        while waiting. A terminal's bar is redrawn; a log gets a line every
        ``plain_interval`` seconds."""
        if not self._closed:
            self._draw(heartbeat=True)

    def note(self, message):
        """Print ``message`` on a line of its own above the bar, which stays last."""
        if self.tty and not self._closed:
            self._write(f"\r\033[K{message}\n")
            self._drawn_at = None  # drawn again at once below
            self._draw()
        else:
            self._write(f"{message}\n")

    def close(self):
        """Show the final state and end the line; safe to call twice."""
        if self._closed:
            return
        self._draw(final=True)
        self._closed = True

    def render(self):
        """The bar as it stands, without the terminal's control codes."""
        prefix = f"{self.label} " if self.label else ""
        elapsed = _duration(self.elapsed)
        if self.total is None:
            return f"{prefix}{self.done} {elapsed}"
        filled = self.width * self.done // self.total if self.total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        return f"{prefix}[{bar}] {self.done}/{self.total} {elapsed}"

    def render_plain(self):
        """The one-line update printed when the stream is not a terminal."""
        label = f"{self.label}: " if self.label else ""
        count = self.done if self.total is None else f"{self.done}/{self.total}"
        return f"{label}{count} ({_duration(self.elapsed)})"

    def _fit(self, line):
        # A line wider than the terminal wraps, and "\r" then redraws only its end.
        columns = shutil.get_terminal_size((80, 24)).columns - 1
        if len(line) <= columns:
            return line
        tail = line[len(self.label) :] if self.label else line
        room = columns - len(tail) - 3
        if room < 4:
            return tail.lstrip()[:columns]
        return self.label[:room] + "..." + tail

    def _tenth(self, done):
        return 10 * done // self.total if self.total else 10

    def _due(self, now, final, heartbeat=False):
        if self._drawn_at is None:
            return True
        if heartbeat:
            wait = self.interval if self.tty else self.plain_interval
            return now - self._drawn_at >= wait
        if self.tty:
            return (
                final
                or self.done == self.total
                or now - self._drawn_at >= self.interval
            )
        done, label = self._drawn
        if (self.done, self.label) == (done, label):
            return False  # nothing new to say, even at the end
        return (
            final
            or label != self.label
            or self.done == self.total
            or now - self._drawn_at >= self.plain_interval
            or (self.total is not None and self._tenth(self.done) > self._tenth(done))
        )

    def _draw(self, final=False, heartbeat=False):
        now = time.monotonic()
        if not self._due(now, final, heartbeat):
            return
        if self.tty:
            text = f"\r\033[K{self._fit(self.render())}" + ("\n" if final else "")
        else:
            text = self.render_plain() + "\n"
        self._drawn_at = now
        self._drawn = (self.done, self.label)
        self._write(text)

    def _write(self, text):
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            # A closed or broken stream must not stop the work it reports on.
            pass


def _isatty(stream):
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _duration(seconds):
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def _main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    total = None if argv[0] in ("-", "?") else int(argv[0])
    with Progress(total, " ".join(argv[1:])) as progress:
        while True:
            # A long item still shows the time going by.
            ready, __, __ = select.select([sys.stdin], [], [], 1.0)
            if not ready:
                progress.refresh()
                continue
            line = sys.stdin.readline()
            if not line:
                break
            progress.advance(label=line.strip() or None)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
