"""Danger assessments of a case and the high-risk worklist of supervisors."""
