"""What the API answers with: ApiError (status, code, one-line message) and how pipeline and
validation errors become one, and the pydantic models of request bodies and answers (the OpenAPI
schema at /api/v1/openapi.json)."""

from functools import cache
from types import SimpleNamespace
from typing import Literal

from ..errors import BriefsError


# ---- errors -------------------------------------------------------------------------------------
class ApiError(Exception):
    """An answer other than 2xx: HTTP status, a short code, the one-line message, extra headers."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, " ".join(message.split()), headers or {}

    def response(self):
        from fastapi.responses import JSONResponse

        return JSONResponse({"error": {"code": self.code, "message": self.message}}, status_code=self.status,
                            headers=self.headers)


def api_error(err: BriefsError) -> ApiError:
    """The HTTP answer for a pipeline error: the exit code decides the status."""
    message = str(err)
    if err.exit_code == 2:
        if message.startswith("input is too long"):
            return ApiError(413, "too_large", message)
        return ApiError(400, "bad_input", message)
    if err.exit_code == 3:
        return ApiError(503, "engine_unavailable", message)
    return ApiError(500, "internal", message)


def _validation_message(err) -> str:
    """pydantic's list of errors as the one line a user needs: field, then what is wrong."""
    parts = []
    for e in err.errors()[:3]:
        if e.get("type") == "json_invalid":
            return "the request body is not valid JSON"
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


# ---- request bodies and answers (also the OpenAPI schema) -------------------------------------------
@cache
def schema_models() -> SimpleNamespace:
    """The pydantic models of request bodies and answers (imported only when the API is built)."""
    from pydantic import BaseModel, ConfigDict, Field

    Engine = Literal["auto", "neural", "offline"]

    class BriefRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        text: str = Field(description="the article: plain text or HTML")
        source_lang: str | None = Field(None, description="ISO code; omitted or 'auto': detected")
        tiers: list[str] | None = Field(None, description="tiers to write (default: all); [] translation only")
        engine: Engine | None = Field(None, description="auto (default), neural or offline")

    class TranslateRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        text: str
        source_lang: str | None = None
        engine: Engine | None = None

    class DetectRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        text: str

    class CheckRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        source: str = Field(description="the source article")
        translation: str = Field(description="its English translation")
        source_lang: str | None = None

    class CorrectionRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        source: str = Field(description="one source sentence, as in translation.sentences[].source")
        text: str = Field(description="the editor's English for it")
        who: str = Field(description="the editor's name, stored with the correction")
        source_lang: str | None = Field(None, description="ISO code of the source (default it)")
        engine: Engine | None = Field(None, description="the engine whose output it replaces (default auto)")

    class SuggestionsRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        sentences: list[str] = Field(description="source sentences to find close human entries for")

    class ErrorBody(BaseModel):
        code: str
        message: str

    class ErrorResponse(BaseModel):
        error: ErrorBody

    class Source(BaseModel):
        language: str
        confidence: float
        chars: int
        paragraphs: int
        mixed_languages: list[str]

    class Translation(BaseModel):
        model_config = ConfigDict(extra="allow")
        text: str
        engine: str
        paragraphs: list[str]

    class Brief(BaseModel):
        model_config = ConfigDict(extra="allow")
        tier: str
        text: str
        words: int
        engine: str

    class Result(BaseModel):
        """The result contract (DESIGN.md); more fields may be added."""

        model_config = ConfigDict(extra="allow")
        source: Source
        translation: Translation
        briefs: list[Brief]
        warnings: list[str]
        timings_ms: dict[str, int]

    return SimpleNamespace(**{k: v for k, v in locals().items() if isinstance(v, type)})

