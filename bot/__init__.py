"""Migration awareness chatbot: answers migrants' questions from a curated, sourced FAQ."""

__version__ = "0.1.0"
