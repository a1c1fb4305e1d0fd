"""Knowledge base: the YAML format, its loader and validator, and the immutable result."""

from bot.kb.base import KnowledgeBase
from bot.kb.fingerprint import fingerprint
from bot.kb.loader import KnowledgeError, LoadResult, check_knowledge, load_knowledge
from bot.kb.models import CONTRACT_TOPICS, Article, Entry, Topic
from bot.kb.report import Problem, Report

__all__ = [
    "CONTRACT_TOPICS",
    "Article",
    "Entry",
    "KnowledgeBase",
    "KnowledgeError",
    "LoadResult",
    "Problem",
    "Report",
    "Topic",
    "check_knowledge",
    "fingerprint",
    "load_knowledge",
]
