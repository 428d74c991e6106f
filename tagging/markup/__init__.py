"""Eastmoney's stock-ticker markup: a body walked into clean text (every visible character kept) and
the securities its markup names."""
