"""digest brief: feeds fetched, what is new since the last run, the state that remembers it."""
