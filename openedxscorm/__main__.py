"""`python -m openedxscorm ...`: the command line tools."""
from .cli import main

raise SystemExit(main())
