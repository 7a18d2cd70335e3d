"""``python -m streams`` is the ``hasila`` command."""

from .cli import main

raise SystemExit(main())
