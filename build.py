"""Build the Knowledge Bites series: `python build.py --help` lists the options."""

import sys
from pathlib import Path

from knowledge_bites.cli import main

if __name__ == "__main__":
    sys.exit(main(root=Path(__file__).resolve().parent))
