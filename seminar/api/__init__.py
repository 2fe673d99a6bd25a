"""The read API: personal access tokens and the JSON endpoints under /api/v1/."""
