"""The OpenAPI document, every field named in Chinese and in English (as the AsyncAPI document does)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi


def _auto_title(name: str) -> str:
    return name.replace("_", " ").title()


def describe_property(name: str, prop: dict[str, Any]) -> None:
    """A property's title is its Chinese term and its description starts with its English name."""
    english = name.replace("_", " ")
    description = str(prop.get("description") or "")
    if prop.get("title") in (None, _auto_title(name)) and description:
        prop["title"] = description.split(";")[0].split(":")[0].strip()[:40]
    if english not in description:
        prop["description"] = f"{english}: {description}" if description else english


def described(document: dict[str, Any]) -> dict[str, Any]:
    for schema in document.get("components", {}).get("schemas", {}).values():
        for name, prop in schema.get("properties", {}).items():
            describe_property(name, prop)
    for path in document.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                describe_property(parameter["name"], parameter)
    return document


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            app.openapi_schema = described(document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
