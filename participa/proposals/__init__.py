"""Residents' proposals: supports (firmas), official answers and conversion into PB projects."""
