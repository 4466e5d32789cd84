"""Knowledge Bites: Markdown practice sheets to branded two-page PDFs."""

__version__ = "0.1.0"
