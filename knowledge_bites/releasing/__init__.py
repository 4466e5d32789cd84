"""Releasing: editions kept in releases/NAME/ (`python build.py release`), what changed since one
(`python build.py review`, and the preview's *Changes* view), and the feed of new and revised sheets."""
