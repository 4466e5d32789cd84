"""The outputs stage: what the newsletter needs, derived from the PDFs in output/."""
