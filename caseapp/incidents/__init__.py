"""Incidents of a case: acts of violence, perpetrators, trafficking details."""
