"""``python -m app`` — same as the ``perfeval`` command."""

from app.cli import main

raise SystemExit(main())
