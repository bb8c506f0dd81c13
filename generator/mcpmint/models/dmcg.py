"""Code generation: one datamodel-code-generator call for the whole spec."""

from __future__ import annotations

import json
import warnings

from .nodes import CHECKS
from .plan import Plan


def generated_module(plan: Plan) -> str:
    """datamodel-code-generator's module for the plan's definitions, unfinished."""
    from datamodel_code_generator import (
        GenerateConfig,
        InputFileType,
        LiteralType,
        PythonVersion,
        TargetPydanticVersion,
        generate,
    )
    from datamodel_code_generator.enums import DataModelType, StrictTypes
    from datamodel_code_generator.format import Formatter

    document = json.loads(json.dumps({"$defs": {d.key: d.schema for d in plan.defs}}))
    assert CHECKS not in json.dumps(document)
    config = GenerateConfig(
        input_file_type=InputFileType.JsonSchema,
        schema_version="2020-12",
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_311,
        target_pydantic_version=TargetPydanticVersion.V2_14,
        formatters=[Formatter.BUILTIN],
        disable_timestamp=True,
        skip_root_model=True,
        use_annotated=True,
        use_missing_sentinel=True,
        strict_nullable=True,
        strict_types=[
            StrictTypes.str,
            StrictTypes.int,
            StrictTypes.float,
            StrictTypes.bool,
        ],
        enum_field_as_literal=LiteralType.All,
        use_type_alias=True,
        use_tuple_for_closed_arrays=True,
        use_schema_description=True,
        use_field_description=True,
        model_name_map={f"#/$defs/{d.key}": d.key for d in plan.defs},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its advice about options is not for our users
        result = generate(document, config=config)
    assert isinstance(result, str)
    return result
