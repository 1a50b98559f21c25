"""What a path is, in words, for messages about paths that are not regular files."""

from __future__ import annotations

import stat

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISBLK, "a block device"),
)


def kind_of_mode(mode: int) -> str:
    """A file mode (``st_mode``) in words.

    >>> import os
    >>> kind_of_mode(os.stat("/").st_mode), kind_of_mode(os.stat("/dev/null").st_mode)
    ('a folder', 'a device')
    """
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"
