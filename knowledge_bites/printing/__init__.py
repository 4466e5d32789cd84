"""The printing stage: WeasyPrint in worker processes, the two-page contract, PDF profiles.

Importing this package loads nothing heavy: WeasyPrint is loaded by the modules that lay out and draw.
"""
