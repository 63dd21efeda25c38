"""`python -m bot` is the `groundwork` command."""

from bot.cli import main

raise SystemExit(main())
