"""The ground floor: configuration files, directories and secret masking (no project imports)."""
