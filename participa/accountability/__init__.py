"""Public accountability of the council's priorities (/obras): works with residents' help.

It sits above works, oversight and collaboration and reads all three; none of them imports it.
"""
