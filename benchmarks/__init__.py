"""``make bench``: speed and memory of the app, measured on the machine it runs on."""
