"""`python -m bot report`: what people asked, what worked, and what to add — from counts and
the questions users chose to send, never from anything that identifies a person."""

from bot.report.groups import Group, group_questions
from bot.report.summary import Period, Summary, summarize

__all__ = ["Group", "Period", "Summary", "group_questions", "summarize"]
