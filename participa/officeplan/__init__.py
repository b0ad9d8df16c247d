"""The participation office's own year: its annual work plan, requests to other offices,
public pages on rights and mechanisms, and the log of advice given to residents."""
