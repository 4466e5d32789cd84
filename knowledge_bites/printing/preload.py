"""What the server that worker processes fork from loads before the first sheet: WeasyPrint, the printing code and
pypdfium2, which draws the pictures of the pages.

Only that server imports this module (workers.PRELOAD). It ends when the build command does, whatever ends the
command: first of all it asks the kernel to end it with the command (lifetime.end_with_parent), and the workers
it forks ask the same of it. When the command ends normally, the server has nothing to save or tear down: it
leaves at once rather than spend about 70 ms unloading WeasyPrint, during which it still holds the command's
output open (a caller reading that output, such as `| tee`, waits for it). Workers forked from it never run these
exit handlers: they leave through `os._exit` themselves.
"""

import atexit
import os

from .. import lifetime

lifetime.end_with_parent()

import pypdfium2  # noqa: E402, F401

from . import contract, job, pictures, press, printer  # noqa: E402, F401

atexit.register(os._exit, 0)
