"""Upgrade-safe customization of the posting pipeline: versioned extensions with hooks."""
