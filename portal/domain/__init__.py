"""Pure rules: no Flask, no database session. Tested without an app."""
