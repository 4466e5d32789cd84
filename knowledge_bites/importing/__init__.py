"""Word documents into practice sources: `python build.py import REPORT.docx`.

A colleague's write-up arrives as a .docx. The document is untrusted input: `package` reads it as a zip whose sizes
are checked before anything is unpacked, and tells what it points at outside itself (nothing of that is fetched).
pandoc, a well-kept converter, reads it (`pandoc`); `body` turns what pandoc read into the project's Markdown and
notes what did not carry over; `practice` writes the source, with a placeholder for each required fact the
document does not give, once the build's own checks have read it.
"""
