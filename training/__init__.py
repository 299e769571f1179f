"""Onboarding: courses and lessons, enrolments, quizzes on the forms engine, certificates."""
