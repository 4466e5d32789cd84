"""The render stage: a checked sheet to HTML, with labels, dates, numbers and country names in its language."""
