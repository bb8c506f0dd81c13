"""The intermediate representation: plain frozen data the templates only print."""

from __future__ import annotations

from dataclasses import dataclass

from mcpmint.spec.packages import SharedPackage


@dataclass(frozen=True, slots=True)
class ExampleIR:
    arguments_json: str  # JSON text of the example's arguments
    result_json: (
        str | None
    )  # JSON text of the expected result (structured or text), None: synthesise
    result_given: bool = True  # the spec wrote the result (else it was made up)


@dataclass(frozen=True, slots=True)
class ParamIR:
    arg: str  # keyword parameter of the typed client method
    field: str  # the model's attribute name
    annotation: str  # the model field's annotation, as source text
    required: bool


@dataclass(frozen=True, slots=True)
class ToolIR:
    wire_name: str  # "get-forecast", exactly as in the spec and on the wire
    func_name: str  # "get_forecast": handler module and function name
    class_prefix: str  # "GetForecast"
    input_model: str  # "GetForecastInput"
    output_model: str | None  # None when the spec has no outputSchema
    tool_json: (
        str  # the MCP Tool object served by tools/list, schemas bundled (JSON text)
    )
    input_schema_json: str  # bundled inputSchema (JSON text)
    output_schema_json: str | None
    description: str  # "" when the spec has none
    examples: tuple[ExampleIR, ...]
    check_with_jsonschema: bool  # the models are looser than the schema somewhere
    synthesised_examples: bool  # examples made up from the schemas (the spec had none)
    params: tuple[ParamIR, ...] = ()  # the input model's fields, for the typed client
    timeout: float | None = None  # seconds; None: the server's default


@dataclass(frozen=True, slots=True)
class SettingIR:
    name: str  # the environment variable, "BOOKMARKS_DB"
    field: str  # the Settings attribute, "bookmarks_db"
    type: str  # string, integer, number, boolean, path
    annotation: str  # "Path", "int | None", ...
    default: str | None  # a Python expression for the field's default; None: none
    spec_default: str  # the spec's default as a Python literal ("None" without one)
    env_default: str | None  # the default as a variable's text ("false", "50")
    required: bool
    secret: bool
    description: str  # "" when the spec has none


@dataclass(frozen=True, slots=True)
class ServerIR:
    name: str
    version: str
    title: str | None
    description: str | None
    instructions: str | None
    website_url: str | None
    package: str
    tool_timeout: float | None = None  # seconds; None: no limit


@dataclass(frozen=True, slots=True)
class ClientPackageIR:
    """A client-only build (`--client-only`): the typed client and the models alone."""

    package: str  # "tracker_client"
    dependencies: tuple[str, ...]  # pyproject.toml's requirements, in order


@dataclass(frozen=True, slots=True)
class ProjectIR:
    spec_path: str  # the spec, relative to the output directory's parent where possible
    regenerate: str  # the command that regenerates the project
    server: ServerIR
    transports: tuple[str, ...]
    token_env: str | None
    tools: tuple[ToolIR, ...]
    models_source: str  # models.py body from datamodel-code-generator
    warnings: tuple[str, ...]  # things the generator noticed (unfaithful models, ...)
    client_imports: tuple[str, ...] = ()  # what the client's annotations need
    settings: tuple[SettingIR, ...] = ()  # in the spec's order
    shared: tuple[SharedPackage, ...] = ()  # shared schema packages models.py imports
    client_package: ClientPackageIR | None = None  # set for a client-only build
    prompts: tuple[PromptIR, ...] = ()  # in the spec's order
    resources: tuple[ResourceIR, ...] = ()  # in the spec's order
    resource_templates: tuple[TemplateIR, ...] = ()  # in the spec's order
    # completion/complete answers for the resource templates too (some variable has
    # candidates, or prompts register the handler anyway).
    complete_templates: bool = False
    notifications: NotificationsIR | None = None  # None: the server sends none
    cache: CacheIR | None = None  # 2026-07-28 caching hints; None: the SDK's defaults
    header_tools: tuple[
        str, ...
    ] = ()  # tools with x-mcp-header parameters (wire names)

    # The client method the docstrings show (a server may have no tools: toolless.py).
    example_method: str = ""
    # What the generated tests ask of resources, templates, prompts and completions.
    surface_cases: tuple[SurfaceCaseIR, ...] = ()
    # The OAuth table (`auth:`'s OAuth keys and each tool's scopes) as JSON text;
    # None: no OAuth in the spec.
    oauth_json: str | None = None


@dataclass(frozen=True, slots=True)
class CacheIR:
    """The spec's caching hints, every default applied: (ttlMs, cacheScope) pairs."""

    methods: tuple[tuple[str, tuple[int, str]], ...]  # method -> hint, spec order
    # Every static URI with its own hint or None; empty when no read has one.
    resources: tuple[tuple[str, tuple[int, str] | None], ...] = ()
    # Every template in order, with its own hint or None; empty when none has one.
    templates: tuple[tuple[str, tuple[int, str] | None], ...] = ()


@dataclass(frozen=True, slots=True)
class PromptIR:
    wire_name: str  # "code-review", exactly as in the spec and on the wire
    func_name: str  # "prompt_code_review": handler module/function, client method
    complete_func: str  # "complete_code_review": its completion handler and method
    class_prefix: str  # "PromptCodeReview"
    arguments_model: str  # "PromptCodeReviewArguments"
    description: str  # "" when the spec has none
    handler: bool  # messages built by handlers/<func_name>.py (else from the spec)
    complete_handler: tuple[str, ...]  # arguments completed by a handler
    completed: tuple[str, ...]  # every argument with candidates (enum, values, handler)
    params: tuple[ParamIR, ...]  # the arguments model's fields, for the typed client
    data_json: str  # its entry of prompts.json (JSON text)
    # Arguments for the generated test, made up from the schemas (wire strings);
    # None when none could be.
    test_arguments: tuple[tuple[str, str], ...] | None = None


@dataclass(frozen=True, slots=True)
class ResourceIR:
    uri: str
    name: str
    func_name: str | None  # "read_readme" for `handler: true`; None: static contents
    resource_json: str  # the MCP Resource object served by resources/list (JSON text)
    contents_json: str | None  # {"text": ...} or {"blob": base64}; None: a handler
    description: str  # "" when the spec has none


@dataclass(frozen=True, slots=True)
class VariableIR:
    name: str  # the template variable, as in the URI template
    kind: str  # its JSON type: string, integer, number, boolean


@dataclass(frozen=True, slots=True)
class TemplateIR:
    uri_template: str
    name: str
    func_name: str  # "read_user_profile": handler module, function, client method
    class_prefix: str  # "UserProfile"
    variables_model: str  # "UserProfileVariables"
    template_json: str  # the MCP ResourceTemplate object served (JSON text)
    variables: tuple[VariableIR, ...]
    params: tuple[ParamIR, ...]  # the variables model's fields, for the typed client
    description: str
    variables_json: str = "{}"  # the spec's `variables:` (JSON text)
    complete_func: str = ""  # "complete_read_user_profile": completion handler/method
    complete_handler: tuple[str, ...] = ()  # variables completed by a handler
    completed: tuple[str, ...] = ()  # variables with candidates (enum, values, handler)
    # Its entry of resources.json's "completions": variable -> candidates or "handler".
    completion_json: str = "{}"
    # The URI the generated tests read it with (surface_tests.py); None: none found.
    test_uri: str | None = None


@dataclass(frozen=True, slots=True)
class NotificationsIR:
    """The change notifications the spec declares (the runtime's `Declared`)."""

    tools_list_changed: bool
    prompts_list_changed: bool
    resources_list_changed: bool
    resources_subscribe: bool


@dataclass(frozen=True, slots=True)
class SurfaceCaseIR:
    """One request of the generated tests to a resource, template, prompt or
    completion (codegen/surface_tests.py)."""

    label: str  # "prompt greet", the test's id
    module: str  # the handler module answering it; "" for the spec's own messages
    kind: str  # "read", "prompt", "ref/prompt" or "ref/resource" (a completion)
    target: str  # the URI read, the prompt's name, or the completion's reference
    argument: str = ""  # the completed argument or variable
    arguments: tuple[tuple[str, str], ...] = ()  # the prompt's arguments (wire strings)
