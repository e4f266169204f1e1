"""Multilingual briefing service: English translation and tiered English briefs of news articles."""

from .config import Config
from .errors import BadInput, BriefsError, EngineUnavailable, ModelUnavailable, UnsupportedLanguage
from .pipeline import Brief, Pipeline, Result

__all__ = [
    "BadInput", "Brief", "BriefsError", "Config", "EngineUnavailable", "ModelUnavailable",
    "Pipeline", "Result", "UnsupportedLanguage",
]
__version__ = "0.1.0"
