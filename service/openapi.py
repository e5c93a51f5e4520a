"""The OpenAPI document: what every ``/api`` operation takes and answers, errors included.

FastAPI writes the operations; ``document`` adds what it cannot know: the security schemes, the
request bodies the routes read themselves (``body_doc``: bodies are parsed after the caller is
authenticated, so FastAPI never sees them), the one 422 shape (``{"detail": [{"lokasi",
"pesan"}]}``) instead of FastAPI's own, and the error answers each operation can give.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Path
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

SECURITY: list[dict[str, list[str]]] = [{"ApiKey": []}, {"BearerApiKey": []}, {"Session": []}]
SECURITY_SCHEMES: dict[str, Any] = {
    "ApiKey": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "Kunci API server ke server (`ekinerja-sync apikey create`).",
    },
    "BearerApiKey": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "eks_...",
        "description": "Kunci API yang sama sebagai `Authorization: Bearer eks_...`.",
    },
    "Session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "ekinerja_sesi",
        "description": "Sesi login melalui /login (MyASN atau akun admin lokal).",
    },
}
REF = "#/components/schemas/{model}"
SCHEMAS = "x-schemas"
PROBLEM: dict[str, Any] = {
    "type": "object",
    "required": ["lokasi", "pesan"],
    "additionalProperties": False,
    "properties": {
        "lokasi": {"type": "string", "description": "di mana: body.changes.no_hp, path.nip, ..."},
        "pesan": {"type": "string", "description": "apa yang salah (tanpa mengulang nilainya)"},
    },
}
ERROR_SCHEMAS: dict[str, Any] = {
    "Masalah": PROBLEM,
    "GalatValidasi": {
        "type": "object",
        "required": ["detail"],
        "properties": {"detail": {"type": "array", "items": {"$ref": REF.format(model="Masalah")}}},
    },
    "Galat": {
        "type": "object",
        "required": ["detail"],
        "properties": {"detail": {"type": "string", "description": "alasan dalam Bahasa Indonesia"}},
    },
}
ERROR_TEXT = {
    "401": "Tanpa kunci API atau sesi yang berlaku.",
    "403": "Tidak diizinkan (di luar wilayah kerja, hanya baca, atau dari situs lain).",
    "404": "Tidak ada, atau di luar wilayah kerja pemanggil.",
    "409": "Ditolak karena keadaan: sudah diputuskan, digantikan, atau berubah.",
    "413": "Isi permintaan melebihi EKINERJA_API__MAX_BODY_BYTES.",
    "422": "Masukan tidak sah: setiap masalah dengan lokasi dan pesannya.",
}
WRITES = frozenset({"post", "put", "patch", "delete"})
# A NIP as the API takes it: 18 digits 0-9, display spaces allowed (checked by normalize_nip).
NIP_PATTERN = "^ *(?:[0-9] *){18}$"
Nip = Annotated[
    str,
    Path(
        description="NIP 18 digit (spasi pengelompokan boleh)",
        json_schema_extra={"pattern": NIP_PATTERN, "examples": ["198609262015051001"]},
    ),
]


def body_doc(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` documenting ``model`` as the JSON body a route reads itself."""
    schema = model.model_json_schema(ref_template=REF)
    defs = schema.pop("$defs", {})
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": REF.format(model=model.__name__)}}},
        },
        SCHEMAS: {**defs, model.__name__: schema},
    }


def document(app: FastAPI, description: str) -> dict[str, Any]:
    """The OpenAPI document of ``app`` (built once, then cached on the app)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, routes=app.routes, description=description)
    components = schema.setdefault("components", {})
    components["securitySchemes"] = SECURITY_SCHEMES
    found = components.setdefault("schemas", {})
    found.pop("ValidationError", None)
    found.pop("HTTPValidationError", None)
    found.update(ERROR_SCHEMAS)
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            found.update(operation.pop(SCHEMAS, {}))
            if path.startswith("/api/"):
                operation.setdefault("security", SECURITY)
                _errors(method, operation)
    app.openapi_schema = schema
    return schema


def _errors(method: str, operation: dict[str, Any]) -> None:
    """The error answers an operation can give, each with its body's schema."""
    params = operation.get("parameters", [])
    codes = {"401", "403"}
    if method in WRITES or any(p.get("in") == "path" for p in params):
        codes.add("404")
    if params or "requestBody" in operation:
        codes.add("422")
    if "requestBody" in operation:
        codes.add("413")
    if method in WRITES:
        codes.add("409")
    responses = operation.setdefault("responses", {})
    for code in sorted(codes | {c for c in responses if c[0] in "45"}):
        answer = responses.setdefault(code, {})
        answer.setdefault("description", ERROR_TEXT.get(code, "Galat."))
        if code == "422":  # FastAPI's own 422 schema is not what the API answers
            answer["content"] = _json("GalatValidasi")
        else:
            answer.setdefault("content", _json("Galat"))


def _json(model: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": REF.format(model=model)}}}
