"""Consejos sociales: residents' councils per colonia or sector, their meetings and pledges."""
