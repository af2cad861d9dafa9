"""`python -m prima.cli`: the `prima` command."""

from prima.cli import main

raise SystemExit(main())
