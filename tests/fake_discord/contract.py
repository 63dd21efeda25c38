"""The API contract check: every REST request the bot makes, against Discord's OpenAPI spec.

* The route must exist in ``spec/openapi.json`` for the method (the path is matched against the
  spec's path templates; literal segments such as ``@original`` win over parameters), and its
  snowflake path parameters must be snowflakes.
* The JSON body (or a multipart upload's ``payload_json``) must validate against the operation's
  request schema with ``jsonschema``'s ``Draft202012Validator``. ``$ref``s resolve through a
  ``referencing`` registry holding the spec; the spec is loaded once per process and each
  operation's validator is compiled once (``ContractChecker`` caches them).
* The rules Discord enforces beyond the spec (``contract_rules``) apply on top.

The known discord.py differences of ``spec/SOURCE.md`` are accepted by editing the loaded spec
narrowly, nothing wholesale: ``SnowflakeType`` also takes a non-negative integer; permission bit
sets typed integer also take a decimal string; ``MessageReferenceType`` also takes 1 (forward);
and a missing body is validated as ``{}`` (so it passes exactly when every field is optional).
For speed only, unions told apart by a ``type`` tag become ``if``/``then`` chains and named-enum
``oneOf``s of ``const``s become ``enum``s; both accept exactly what the original accepts.

Use :func:`default_checker` (process-wide) and :func:`format_violations` for reports.
"""

from __future__ import annotations

import functools
import json
import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from .contract_rules import rules_for

SPEC_PATH = Path(__file__).parent / "spec" / "openapi.json"
SPEC_URI = "urn:discord-api-spec"
MEMO_SIZE = 512
METHODS = ("get", "post", "put", "patch", "delete")
_SNOWFLAKE_RE = re.compile(r"^(0|[1-9][0-9]*)$")
_PERMISSION_FIELDS = frozenset({"permissions", "allow", "deny", "default_member_permissions"})
_IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Violation:
    """One broken rule: which request, where in its body (JSON path), and what is wrong."""

    method: str
    route: str
    path: str
    message: str
    kind: str = "schema"  # schema | rule | route | unimplemented

    def __str__(self) -> str:
        return f"{self.method} {self.route}: {self.path}: {self.message}"


@dataclass(frozen=True)
class RouteMatch:
    template: str
    params: dict[str, str]


def _patch_spec(spec: dict[str, Any]) -> None:
    """Accept the documented discord.py differences (see the module docstring), in place."""
    schemas = spec["components"]["schemas"]
    schemas["SnowflakeType"] = {"anyOf": [schemas["SnowflakeType"], {"type": "integer", "minimum": 0}]}
    ref_type = schemas["MessageReferenceType"]
    ref_type["oneOf"] = [*ref_type["oneOf"], {"title": "FORWARD", "const": 1}]
    _accept_permission_strings(spec)


def _accept_permission_strings(node: Any) -> None:
    """Permission bit sets typed integer (``permissions``, ``allow``, ``deny``, ...) anywhere in the
    spec (component schemas and inline request bodies) also take a decimal string."""
    if isinstance(node, list):
        for item in node:
            _accept_permission_strings(item)
        return
    if not isinstance(node, dict):
        return
    props = node.get("properties")
    if isinstance(props, dict):
        for name, prop in props.items():
            declared = prop.get("type") if isinstance(prop, dict) else None
            if name in _PERMISSION_FIELDS and (declared == "integer" or "integer" in (declared or [])):
                props[name] = {"anyOf": [prop, {"type": "string", "pattern": "^[0-9]+$"}]}
    for value in node.values():
        _accept_permission_strings(value)


def _tag_values(schemas: dict[str, Any], branch: Any) -> list[Any] | None:
    """The ``type`` tag values of a union branch ``{"$ref": ...}`` whose object requires ``type``."""
    if not (isinstance(branch, dict) and set(branch) == {"$ref"}):
        return None
    ref: str = branch["$ref"]
    target = schemas.get(ref.rsplit("/", 1)[-1]) if ref.startswith("#/components/schemas/") else None
    if not target or "type" not in (target.get("required") or []):
        return None
    tag = (target.get("properties") or {}).get("type") or {}
    values = tag.get("enum", [tag["const"]] if "const" in tag else None)
    return list(values) if values is not None else None


def _index_tagged_unions(node: Any, schemas: dict[str, Any]) -> None:
    """Speed, not semantics: a ``oneOf``/``anyOf`` of object schemas told apart by disjoint ``type``
    tags (interaction callbacks, components) becomes ``if type == tag then branch`` so only the
    matching branch is evaluated. It accepts exactly the same instances (every other branch fails on
    its tag), reports the matching branch's errors, and cuts validation time several-fold."""
    if isinstance(node, list):
        for item in node:
            _index_tagged_unions(item, schemas)
        return
    if not isinstance(node, dict):
        return
    for key in ("oneOf", "anyOf"):
        branches = node.get(key)
        if not isinstance(branches, list) or len(branches) < 2:
            continue
        consts = [b["const"] for b in branches if isinstance(b, dict) and "const" in b]
        if len(consts) == len(branches) and all(
            set(b) <= {"const", "title", "description"} for b in branches
        ):
            if len(consts) == len({json.dumps(c) for c in consts}):  # named enum values: same as enum
                del node[key]
                node["enum"] = consts
            continue
        tags = [_tag_values(schemas, b) for b in branches]
        flat = [v for t in tags if t is not None for v in t]
        if any(t is None for t in tags) or len(flat) != len(set(flat)):
            continue
        del node[key]
        node.update({"type": "object", "required": ["type"], "properties": {"type": {"enum": flat}}})
        node["allOf"] = [
            {
                "if": {"type": "object", "required": ["type"], "properties": {"type": {"enum": t}}},
                "then": b,
            }
            for t, b in zip(tags, branches, strict=True)
        ]
    for value in node.values():
        _index_tagged_unions(value, schemas)


@functools.cache
def load_spec(*, index_unions: bool = True) -> dict[str, Any]:
    """The vendored spec, patched for the known differences; loaded once per process."""
    spec: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    _patch_spec(spec)
    if index_unions:
        _index_tagged_unions(spec, spec["components"]["schemas"])
    return spec


def _json_path(parts: Iterable[str | int]) -> str:
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENT_RE.match(part):
            out += f".{part}"
        else:
            out += f"[{part!r}]"
    return out


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=repr) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(error: ValidationError) -> str:
    """A short message for a schema error (never the whole 2,001-character instance)."""
    v, inst, limit = error.validator, error.instance, error.validator_value
    sized = inst if isinstance(inst, str | list | dict) else ""
    unit = "character" if isinstance(inst, str) else "field" if isinstance(inst, dict) else "item"
    text = str(error.message)
    if v in ("maxLength", "maxItems", "maxProperties"):
        return f"{len(sized)} {unit}s, at most {limit}"
    if v in ("minLength", "minItems", "minProperties"):
        return f"{len(sized)} {unit}s, at least {limit}"
    if v == "maximum":
        return f"{inst} is greater than the maximum {limit}"
    if v == "minimum":
        return f"{inst} is less than the minimum {limit}"
    if v == "required":
        return text.replace(" is a required property", " is required")
    if v == "type":
        return f"{_short(inst)} is not of type {limit}"
    if v in ("enum", "const"):
        return f"{_short(inst)} is not one of {limit if v == 'enum' else [limit]}"
    if v == "pattern":
        return f"{_short(inst)} is not a snowflake" if limit == _SNOWFLAKE_RE.pattern else text
    if v in ("anyOf", "oneOf"):
        return f"{_short(inst)} matches none of the allowed shapes"
    return text if len(text) <= 200 else text[:197] + "..."


def _discriminated_out(errors: list[ValidationError]) -> bool:
    """A union branch that fails on the instance's kind (wrong JSON type, or wrong ``type`` tag)."""
    for e in errors:
        rel = list(e.relative_path)
        if not rel and e.validator == "type":
            return True
        if rel == ["type"] and e.validator in ("enum", "const", "type"):
            return True
    return False


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """The errors worth reporting: for a failed ``anyOf``/``oneOf``, those of the branch that
    matches the instance's kind, recursively; otherwise the error itself."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        yield error
        return
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(int(sub.schema_path[0]), []).append(sub)
    candidates = [errs for errs in branches.values() if not _discriminated_out(errs)]
    if not candidates:
        yield error
        return
    best = min(candidates, key=len)
    for sub in best:
        yield from _leaves(sub)


class ContractChecker:
    """Matches request paths to spec routes and validates bodies; validators are cached."""

    def __init__(self, spec: dict[str, Any] | None = None) -> None:
        self.spec = spec if spec is not None else load_spec()
        self._registry: Registry[Any] = Registry().with_resource(
            SPEC_URI, DRAFT202012.create_resource(self.spec)
        )
        self._validators: dict[tuple[str, str], Draft202012Validator | None] = {}
        self._memo: OrderedDict[tuple[str, str, bytes, bool], list[Violation]] = OrderedDict()
        # routes by (METHOD, number of segments): (literal count, template, segments)
        self._routes: dict[tuple[str, int], list[tuple[int, str, list[str]]]] = {}
        for template, item in self.spec["paths"].items():
            segments = template.strip("/").split("/")
            literal = sum(1 for s in segments if not s.startswith("{"))
            for method in METHODS:
                if method in item:
                    bucket = self._routes.setdefault((method.upper(), len(segments)), [])
                    bucket.append((literal, template, segments))
        for routes in self._routes.values():
            routes.sort(key=lambda r: -r[0])

    def match(self, method: str, path: str) -> RouteMatch | None:
        """The spec route for ``method path`` (path without ``/api/v10``), or None."""
        parts = path.strip("/").split("/")
        for _, template, segments in self._routes.get((method, len(parts)), ()):
            params: dict[str, str] = {}
            for seg, part in zip(segments, parts, strict=True):
                if seg.startswith("{"):
                    params[seg[1:-1]] = part
                elif seg != part:
                    break
            else:
                return RouteMatch(template, params)
        return None

    def _operation(self, method: str, template: str) -> dict[str, Any]:
        op: dict[str, Any] = self.spec["paths"][template][method.lower()]
        return op

    def _validator(self, method: str, template: str) -> Draft202012Validator | None:
        key = (method, template)
        if key not in self._validators:
            body = self._operation(method, template).get("requestBody")
            schema = ((body or {}).get("content", {}).get("application/json") or {}).get("schema")
            if schema is None:
                self._validators[key] = None
            else:
                pointer = "/".join(s.replace("~", "~0").replace("/", "~1") for s in ("paths", template))
                ref = f"{SPEC_URI}#/{pointer}/{method.lower()}/requestBody/content/application~1json/schema"
                self._validators[key] = Draft202012Validator({"$ref": ref}, registry=self._registry)
        return self._validators[key]

    def _param_violations(self, method: str, match: RouteMatch) -> Iterator[Violation]:
        item = self.spec["paths"][match.template]
        for param in item.get("parameters", []):
            if param.get("in") != "path" or param["name"] not in match.params:
                continue
            if param.get("schema", {}).get("$ref", "").endswith("/SnowflakeType"):
                value = match.params[param["name"]]
                if not _SNOWFLAKE_RE.match(value):
                    yield Violation(
                        method, match.template, f"path {{{param['name']}}}", f"{value!r} is not a snowflake"
                    )

    def check(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        has_body: bool = True,
        has_files: bool = False,
        raw: bytes | None = None,
    ) -> tuple[RouteMatch | None, list[Violation]]:
        """Match and validate one request. ``has_body=False`` means no body was sent at all.
        ``raw`` (the body's bytes) lets repeated identical bodies reuse the last verdict."""
        match = self.match(method, path)
        if match is None:
            return None, [Violation(method, path, "$", "no such route in Discord's API", kind="route")]
        found = list(self._param_violations(method, match))
        if raw is None:
            found.extend(
                self.check_body(method, match.template, body, has_body=has_body, has_files=has_files)
            )
            return match, found
        key = (method, match.template, raw if has_body else b"\0none", has_files)
        cached = self._memo.get(key)
        if cached is None:
            cached = self.check_body(method, match.template, body, has_body=has_body, has_files=has_files)
            self._memo[key] = cached
            if len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        found.extend(cached)
        return match, found

    def check_body(
        self, method: str, template: str, body: Any, *, has_body: bool = True, has_files: bool = False
    ) -> list[Violation]:
        """Schema and extra-rule violations of one body for a known route, merged by JSON path."""
        validator = self._validator(method, template)
        found: dict[str, Violation] = {}
        if validator is not None:
            instance = body if has_body else {}
            for error in validator.iter_errors(instance):
                for leaf in _leaves(error):
                    where = _json_path(leaf.absolute_path)
                    found.setdefault(where, Violation(method, template, where, _describe(leaf)))
        for where, message in rules_for(method, template, body, has_files=has_files):
            found.setdefault(where, Violation(method, template, where, message, kind="rule"))
        return list(found.values())


@functools.cache
def default_checker() -> ContractChecker:
    """The process-wide checker (spec loaded and validators compiled once)."""
    return ContractChecker()


def format_violations(violations: Iterable[Violation], *, title: str | None = None) -> str:
    """A readable report, one line per violation: ``POST /channels/{channel_id}/messages: $.content: ...``."""
    lines = [str(v) for v in violations]
    head = title or f"{len(lines)} Discord API contract violation{'s' if len(lines) != 1 else ''}:"
    return "\n".join([head, *("  " + line for line in lines)])


def discord_errors(violations: Iterable[Violation]) -> dict[str, Any]:
    """The ``errors`` tree of Discord's 50035 body for these violations."""
    tree: dict[str, Any] = {}
    for v in violations:
        node = tree
        for part in re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['([^']*)'\]", v.path):
            key = next(p for p in part if p)
            node = node.setdefault(key, {})
        node.setdefault("_errors", []).append({"code": "BASE_TYPE_INVALID", "message": v.message})
    return tree
