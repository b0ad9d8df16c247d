"""Needs and works, their prioritisation by the council and the presentation to the mayor."""
