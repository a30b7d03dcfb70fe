"""Consents of a client, per purpose; the gate other areas check before sharing."""
