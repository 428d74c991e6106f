"""Helpers the tests share (archives, clusters); no test lives here."""
