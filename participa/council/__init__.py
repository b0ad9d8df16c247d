"""The CMPC: members, sessions with agenda, attendance and minutes, agreements, operations."""
