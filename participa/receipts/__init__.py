"""Receipts: the code a person gets for a secret ballot, and one lookup across every kind."""
