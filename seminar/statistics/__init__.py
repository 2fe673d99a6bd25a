"""Statistics for organizers: papers per city and topic, submissions against the deadline, each
reviewer's scores and progress, registrations per unit — charts drawn as inline SVG from pure
geometry (`charts`), each with its table and all of them in one workbook (`export`)."""
