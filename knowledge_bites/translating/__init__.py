"""The translator's kit: a practice exported as XLIFF 1.2 for a CAT tool, and the returned kit imported back.

`units` cuts a practice into translation units (from the Markdown conversion of sources/markdown.py), `inline`
holds a unit's text with its inline codes, `xliff` reads and writes the kit file with translate-toolkit,
`writing` turns translated units back into a practice source, and `kit` runs `translations --export` and
`--import`.
"""
