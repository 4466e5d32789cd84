"""The live preview (`python build.py serve`): a local web page showing what the build puts in output/, kept
up to date as each saved change is rebuilt. A window on the build, not a second one: it runs the same build as the
command line and shows its events and its files.
"""
