"""Results from maintained aggregates: counts folded in from ballot rows, never per vote."""
