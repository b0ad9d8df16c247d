"""Participatory budgets: counting projects and ballots with the rules in participa.tally.pb."""
