"""The marker's knowledge: statutory guidance editions with in-force dates, key research, the
per-question guidance, and the citation and research-currency checks that use them (q4)."""

from qmark.knowledge.base import (
    CurrencyRules,
    Edition,
    Guidance,
    KnowledgeBase,
    Milestone,
    Research,
    load_currency_rules,
    load_guidance,
    load_knowledge_base,
)
from qmark.knowledge.citations import Citation, find_citations, is_research
from qmark.knowledge.currency import Currency, CurrencyFigures, CurrencyFinding, check_currency
from qmark.knowledge.guide import guide_text

__all__ = [
    "Citation",
    "Currency",
    "CurrencyFigures",
    "CurrencyFinding",
    "CurrencyRules",
    "Edition",
    "Guidance",
    "KnowledgeBase",
    "Milestone",
    "Research",
    "check_currency",
    "find_citations",
    "guide_text",
    "is_research",
    "load_currency_rules",
    "load_guidance",
    "load_knowledge_base",
]
