"""签到 on the day: staff check people in by badge QR, typed code or list; organizers follow the counts and print 签到表."""
