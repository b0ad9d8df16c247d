"""In-person tables (mesas): tablet votes, paper ballots in double-entry batches."""
