"""Accounts: residents and staff, their roles, registration with CURP, log in and out."""
