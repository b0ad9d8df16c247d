"""One search box over what the public sees (docs/search.md)."""
