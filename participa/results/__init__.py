"""Results: aggregates from the tally core, Plotly charts, the council dashboard, CSV exports."""
