"""Papers submitted by cities: authors, manuscripts and their versions, deadlines and quotas."""
