"""Notices: the inbox of every account (and the staff's shared one), preferences, follows, and
delivery by e-mail (at once or in a daily digest) and SMS. Who hears about what is decided by
the domains above (participa/residents/); this package only stores and delivers."""
