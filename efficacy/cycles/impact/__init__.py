"""What the evidence says: the impact panel and the stored, recomputed summaries."""
