"""The sources stage: content/series.yaml and the practice files, loaded and checked as a Series of Sheets."""

from .loading import Series, load_series, load_settings, load_sheet
from .schema import PartialDate, Period, PracticeMeta, SeriesSettings
from .sheet import Sheet

__all__ = [
    "PartialDate",
    "Period",
    "PracticeMeta",
    "Series",
    "SeriesSettings",
    "Sheet",
    "load_series",
    "load_settings",
    "load_sheet",
]
