"""Registration: people sign up to attend a seminar; organizers approve them and export the list."""
