"""Participation processes: one use of one mechanism, with scope, phases and a lifecycle."""
