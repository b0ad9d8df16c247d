"""Consultations: questionnaires, eligibility, secret responses with receipts."""
