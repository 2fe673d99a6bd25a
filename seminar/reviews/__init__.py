"""Reviewing: criteria, reviewer profiles, conflicts, bids, assignment, reviews."""
