"""Administration: accounts and roles, and the audit log."""
