"""查重: every submitted manuscript checked against the installation's papers and the seminar's reference library."""
