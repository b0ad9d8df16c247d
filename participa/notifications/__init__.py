"""In-app notices for staff: what needs their attention (thresholds, moderation)."""
