"""Build the Knowledge Bites series: `python build.py --help` lists the options."""

import sys
from pathlib import Path

if __name__ == "__main__":
    # Imported here, not above: worker processes import this file too, and need none of the command line.
    from knowledge_bites.cli import main

    sys.exit(main(root=Path(__file__).resolve().parent))
