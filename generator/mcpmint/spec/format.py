"""The spec format, version 1, as pydantic models: the documented contract
(`mcpmint schema`)."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    model_validator,
)

# Defined where light modules (the CLI, the importer) can read them without pydantic.
from mcpmint.spec.vocabulary import FORMAT_VERSION as FORMAT_VERSION
from mcpmint.spec.vocabulary import TOOL_KEYS, Transport
from mcpmint.spec.vocabulary import TRANSPORTS as TRANSPORTS

JsonSchema = dict[str, Any]
MAX_TIMEOUT = 86_400.0  # a day: a longer call is not a tool call


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=False, strict=True)


class Server(_Strict):
    """Who the server says it is (serverInfo) and where its code goes."""

    name: str = Field(min_length=1, description="serverInfo.name")
    version: str = Field(min_length=1, description="serverInfo.version")
    package: str | None = Field(
        None,
        description="Python package of the generated code (default: derived from name)",
    )
    title: str | None = None
    description: str | None = None
    instructions: str | None = Field(
        None, description="Sent to clients at initialisation"
    )
    websiteUrl: str | None = None
    toolTimeout: float | None = Field(
        None,
        gt=0,
        le=MAX_TIMEOUT,
        description="Seconds a tool call may run before it answers a tool error, "
        "for tools without their own `timeout` "
        "(default: no limit; `--tool-timeout` overrides it)",
    )


class Introspection(_Strict):
    """OAuth 2.1 with opaque access tokens: each one checked at the issuer's
    introspection endpoint (RFC 7662) instead of as a JWT."""

    endpoint: str | None = Field(
        None,
        description="The introspection endpoint (default: the issuer's metadata's "
        "`introspection_endpoint`; `--oauth-introspection-endpoint` overrides it)",
    )
    clientIdEnv: str = Field(
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Environment variable holding the client id this server "
        "authenticates to the endpoint with",
    )
    clientSecretEnv: str = Field(
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Environment variable holding that client's secret "
        "(never the secret itself)",
    )


class Auth(_Strict):
    """How the network transports authenticate: a static bearer token (`tokenEnv`)
    or an OAuth 2.1 resource server (`issuer`, `resource`, ...)."""

    tokenEnv: str | None = Field(
        None,
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Environment variable holding the bearer token "
        "(never the token itself)",
    )
    issuer: str | None = Field(
        None,
        description="OAuth 2.1: the authorization server whose access tokens are "
        "accepted (the tokens' `iss`; `--oauth-issuer` overrides it)",
    )
    resource: str | None = Field(
        None,
        description="OAuth 2.1: this server's URL, the audience tokens must be "
        "issued for (RFC 8707; `--oauth-resource` overrides it)",
    )
    jwksUri: str | None = Field(
        None,
        description="OAuth 2.1: where the issuer's signing keys are "
        "(default: read from the issuer's metadata)",
    )
    algorithms: list[str] | None = Field(
        None,
        min_length=1,
        description="OAuth 2.1: the signature algorithms accepted "
        "(default: RS256, ES256)",
    )
    requiredScopes: list[str] = Field(
        default_factory=list,
        description="OAuth 2.1: scopes every request needs",
    )
    introspection: Introspection | None = Field(
        None,
        description="OAuth 2.1: opaque tokens, checked at the issuer's introspection "
        "endpoint (RFC 7662) instead of as JWTs",
    )


class Icon(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    src: str
    mimeType: str | None = None
    sizes: list[str] | None = None
    theme: Literal["light", "dark"] | None = None


class Annotations(BaseModel):
    """MCP ToolAnnotations. Other keys are allowed (a tool pasted from any server's
    tools/list validates) but warned about: the SDK drops them from tools/list."""

    model_config = ConfigDict(extra="allow", strict=True)
    title: str | None = None
    readOnlyHint: bool | None = None
    destructiveHint: bool | None = None
    idempotentHint: bool | None = None
    openWorldHint: bool | None = None


class Example(_Strict):
    """A call used by the generated round-trip tests."""

    arguments: dict[str, Any] = Field(default_factory=dict)
    result: Any = Field(
        None,
        description="structuredContent (tools with an outputSchema) or the text result",
    )


class Tool(_Strict):
    """An MCP Tool object exactly as tools/list returns it, plus mcpmint's own keys
    (`examples`, `timeout`, `renamedFrom`)."""

    name: str
    title: str | None = None
    description: str | None = None
    inputSchema: JsonSchema
    outputSchema: JsonSchema | None = None
    annotations: Annotations | None = None
    icons: list[Icon] | None = None
    execution: dict[str, Any] | None = Field(
        None, description="2025-11-25 only; served as is"
    )
    meta: dict[str, Any] | None = Field(None, alias="_meta")
    examples: list[Example] = Field(default_factory=list)
    timeout: float | None = Field(
        None,
        gt=0,
        le=MAX_TIMEOUT,
        description="Seconds a call may run before it answers a tool error "
        "(mcpmint's key, not served; default: server.toolTimeout)",
    )
    renamedFrom: str | None = Field(
        None,
        description="The tool's previous name (mcpmint's key, not served): "
        "`generate` moves the old handler file, function renamed, to the new name; "
        "`mcpmint diff` reports the rename and compares the old tool with this one",
    )
    scopes: list[str] = Field(
        default_factory=list,
        description="OAuth scopes a call needs, besides `auth.requiredScopes` "
        "(mcpmint's key, not served)",
    )
    _written: dict[str, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_as_written(
        cls, data: Any, handler: ModelWrapValidatorHandler[Tool]
    ) -> Tool:
        tool = handler(data)
        if isinstance(data, dict):
            tool._written = data
        return tool

    def served(self) -> dict[str, Any]:
        """The MCP Tool object exactly as the spec wrote it, keys in the MCP schema's
        order, mcpmint's own keys (`examples`, `timeout`, `renamedFrom`) left out."""
        return {key: self._written[key] for key in TOOL_KEYS if key in self._written}


SettingType = Literal["string", "integer", "number", "boolean", "path"]
ENV_NAME = r"^[A-Z_][A-Z0-9_]*$"


class Setting(BaseModel):
    """A setting of the server, read from an environment variable at start.

    Unknown keys are reported by spec/settings_rules.py, with a did-you-mean."""

    model_config = ConfigDict(
        extra="ignore",
        strict=True,
        json_schema_extra={"additionalProperties": False},
    )
    name: str = Field(
        json_schema_extra={"pattern": ENV_NAME},
        description="The environment variable, e.g. BOOKMARKS_DB; handlers read it "
        "as ctx.settings.bookmarks_db",
    )
    type: SettingType = Field("string", description="How the value is read")
    default: str | int | float | bool | None = Field(
        None, description="Used when the variable is unset or empty"
    )
    description: str | None = None
    required: bool = Field(
        False, description="The server refuses to start without it (exit status 2)"
    )
    secret: bool = Field(
        False,
        description="Never logged, shown or given a default; a placeholder "
        "in printed host configurations",
    )


class ResourceAnnotations(BaseModel):
    """MCP Annotations of a resource or template: audience, priority, lastModified."""

    model_config = ConfigDict(extra="allow", strict=True)
    audience: list[Literal["user", "assistant"]] | None = None
    priority: float | None = Field(None, ge=0, le=1)
    lastModified: str | None = None


CacheScope = Literal["public", "private"]
# The methods whose 2026-07-28 results carry ttlMs/cacheScope (SEP-2549).
CACHED_LISTS = (
    "tools/list",
    "prompts/list",
    "resources/list",
    "resources/templates/list",
    "server/discover",
)


class CacheHint(_Strict):
    """How long a client may reuse a 2026-07-28 result (SEP-2549); a key left out
    takes the default: `cache.resources/read` for a read, else ttlMs 0, private."""

    ttlMs: int | None = Field(
        None,
        ge=0,
        le=2**53 - 1,
        description="Milliseconds the result stays fresh (0: immediately stale)",
    )
    cacheScope: CacheScope | None = Field(
        None,
        description="`public`: shared caches may serve it to anyone; "
        "`private`: only the caller's own cache",
    )


class Cache(_Strict):
    """Caching hints per cacheable method (2026-07-28; older eras never see them).
    `resources/read` is the default of every read; a resource or template's own
    `cache` wins, key by key."""

    tools_list: CacheHint | None = Field(None, alias="tools/list")
    prompts_list: CacheHint | None = Field(None, alias="prompts/list")
    resources_list: CacheHint | None = Field(None, alias="resources/list")
    templates_list: CacheHint | None = Field(None, alias="resources/templates/list")
    server_discover: CacheHint | None = Field(None, alias="server/discover")
    resources_read: CacheHint | None = Field(None, alias="resources/read")


class Resource(_Strict):
    """An MCP Resource as resources/list serves it, plus where its contents come
    from: exactly one of `text`, `file` and `handler` (mcpmint's keys, not served)."""

    uri: str = Field(min_length=1)
    name: str = Field(min_length=1)
    title: str | None = None
    description: str | None = None
    mimeType: str | None = None
    size: int | None = Field(None, ge=0)
    annotations: ResourceAnnotations | None = None
    icons: list[Icon] | None = None
    meta: dict[str, Any] | None = Field(None, alias="_meta")
    text: str | None = Field(None, description="The contents, inline")
    file: str | None = Field(
        None,
        description="A file beside the spec (relative path), bundled into the "
        "package; served as text when it is UTF-8 and its mimeType is textual, "
        "else as a base64 blob",
    )
    handler: Literal[True] | None = Field(
        None,
        description="Read by a handler in handlers/ (written once, yours), "
        "returning str or bytes",
    )
    cache: CacheHint | None = Field(
        None, description="Caching hints of its reads (2026-07-28)"
    )
    scopes: list[str] | None = Field(
        None,
        description="OAuth scopes a read needs, besides `auth.requiredScopes` "
        "(mcpmint's key, not served)",
    )


class ResourceTemplate(_Strict):
    """An MCP ResourceTemplate (RFC 6570), read by a handler in handlers/ that gets
    the template's variables as a validated model."""

    uriTemplate: str = Field(min_length=1)
    name: str = Field(min_length=1)
    title: str | None = None
    description: str | None = None
    mimeType: str | None = None
    annotations: ResourceAnnotations | None = None
    icons: list[Icon] | None = None
    meta: dict[str, Any] | None = Field(None, alias="_meta")
    variables: dict[str, JsonSchema] = Field(
        default_factory=dict,
        description="A JSON Schema per template variable (string with "
        "pattern/enum, integer, number, boolean)",
    )
    complete: dict[str, Completion] = Field(
        default_factory=dict,
        description="Completions of template variables (completion/complete): "
        "variable -> `values` or `handler: true` (handlers/complete_read_<name>.py); "
        "a variable whose schema has an enum is completed from it without this",
    )
    cache: CacheHint | None = Field(
        None, description="Caching hints of the reads it answers (2026-07-28)"
    )
    scopes: list[str] | None = Field(
        None,
        description="OAuth scopes a read of it needs, besides `auth.requiredScopes` "
        "(mcpmint's key, not served)",
    )


def _stdio_only() -> list[Transport]:
    """The default transports: stdio only (a new list each time)."""
    return ["stdio"]


class Completion(_Strict):
    """Where completion/complete finds an argument's candidates (an enum's values are
    offered without it)."""

    values: list[str] | None = Field(None, description="A static list of candidates")
    handler: bool = Field(
        False,
        description="A handler in handlers/complete_<prompt>.py, written once, "
        "gets the partial value and the arguments already given",
    )


class PromptArgument(_Strict):
    """An MCP PromptArgument, plus mcpmint's `schema` and `complete`."""

    name: str
    title: str | None = None
    description: str | None = None
    required: bool = False
    schema_: JsonSchema | None = Field(
        None,
        alias="schema",
        description="JSON Schema of the value (string, integer, number or boolean; "
        "enum, pattern, bounds): handlers get it typed, the wire keeps strings",
    )
    complete: Completion | None = None


class PromptContent(_Strict):
    """One message's content: text, image, audio, resource (embedded) or
    resource_link. `{argument}` in text and uri is replaced by the argument's value."""

    type: Literal["text", "image", "audio", "resource", "resource_link"]
    text: str | None = None
    file: str | None = Field(
        None,
        description="image, audio, resource: a file beside the spec, bundled "
        "into the package (base64 on the wire)",
    )
    mimeType: str | None = None
    uri: str | None = None
    name: str | None = None
    title: str | None = None
    description: str | None = None


class PromptMessage(_Strict):
    role: Literal["user", "assistant"]
    content: PromptContent


class Prompt(_Strict):
    """An MCP Prompt, plus its messages (`messages`) or a handler (`handler: true`)."""

    name: str
    title: str | None = None
    description: str | None = None
    icons: list[Icon] | None = None
    meta: dict[str, Any] | None = Field(None, alias="_meta")
    arguments: list[PromptArgument] = Field(default_factory=list)
    messages: list[PromptMessage] | None = None
    handler: bool = Field(
        False,
        description="Messages built by handlers/prompt_<name>.py, written once",
    )
    scopes: list[str] | None = Field(
        None,
        description="OAuth scopes a prompts/get needs, besides `auth.requiredScopes` "
        "(mcpmint's key, not served)",
    )


class ListChanges(_Strict):
    """Whether the server announces changes of a list (`.../list_changed`)."""

    listChanged: bool = Field(
        False, description="Announce changes of this list (ctx.changes.list_changed)"
    )


class ResourceChanges(_Strict):
    """Which resource changes the server announces."""

    subscribe: bool = Field(
        False,
        description="Clients may subscribe to a resource and hear of its updates "
        "(ctx.changes.resource_updated)",
    )
    listChanged: bool = Field(
        False, description="Announce changes of the resource list"
    )


class Notifications(_Strict):
    """The change notifications the server sends: the `listChanged` and `subscribe`
    flags of its capabilities. Delivered through resources/subscribe and the session
    before 2026-07-28, through subscriptions/listen in it."""

    tools: ListChanges | None = None
    prompts: ListChanges | None = None
    resources: ResourceChanges | None = None


class Spec(_Strict):
    """A whole mcpmint spec."""

    mcpmint: Literal[1] = Field(description="Format version")
    server: Server
    transports: list[Transport] = Field(default_factory=_stdio_only, min_length=1)
    auth: Auth | None = None
    refRoot: str = Field(
        ".",
        description="Folder (relative to the spec) that $refs to other files "
        "may not leave",
    )
    settings: list[Setting] = Field(
        default_factory=list,
        description="Environment variables the server reads at start",
    )
    defs: dict[str, JsonSchema] = Field(default_factory=dict, alias="$defs")
    tools: list[Tool] = Field(
        default_factory=list,
        description="MCP tools; none when the server has prompts or resources",
    )
    prompts: list[Prompt] = Field(
        default_factory=list,
        description="MCP prompts: messages from the spec or from a handler",
    )
    resources: list[Resource] = Field(
        default_factory=list, description="Static resources (resources/list)"
    )
    resourceTemplates: list[ResourceTemplate] = Field(
        default_factory=list,
        description="Resource templates (resources/templates/list)",
    )
    notifications: Notifications | None = Field(
        None,
        description="Change notifications the server sends (list changes, "
        "resource updates)",
    )
    cache: Cache | None = Field(
        None,
        description="2026-07-28 caching hints (ttlMs, cacheScope) per cacheable "
        "method; default: ttlMs 0, private",
    )


def spec_json_schema() -> str:
    """The JSON Schema of the spec format, for editors."""
    schema = Spec.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "mcpmint spec (format version 1)"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def known_keys(model: type[BaseModel]) -> list[str]:
    """The keys a spec object of this model may carry, as written in YAML."""
    return [f.alias or name for name, f in model.model_fields.items()]
