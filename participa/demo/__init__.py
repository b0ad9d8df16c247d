"""Demo data: a small municipality, one account per role and two consultations."""
