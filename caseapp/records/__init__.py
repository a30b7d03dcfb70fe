"""Helpers shared by the records attached to a case (incidents, risk, measures, consents,
consultations, complaints, attachments): change tracking, audit entries and optimistic
locking, so each area's service stays short and behaves the same way."""
