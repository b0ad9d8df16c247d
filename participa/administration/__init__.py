"""Meetings with the municipal administration, directorates' commitments, and the FAIS."""
