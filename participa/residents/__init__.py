"""The resident's side: the notices residents hear about what they took part in (who hears
what, from domain signals), event reminders, and the page "Mis participaciones"."""
