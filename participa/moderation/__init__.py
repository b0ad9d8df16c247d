"""Reports by residents, hiding reported content, the staff review queue, blocked accounts."""
