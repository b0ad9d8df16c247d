"""Territory: delegaciones and their colonias, with population."""
