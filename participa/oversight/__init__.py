"""Citizen oversight (auditoría ciudadana): watched works and programmes, findings, answers."""
