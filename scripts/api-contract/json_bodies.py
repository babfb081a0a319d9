"""Writes the OpenAPI document with JSON as the only request body media type.

openapi-python-client 0.29 generates code that does not import (a NameError at import) for a
required request body with two media types (its issue #1451), and every body here is JSON or
Protobuf. A Python client sends JSON, so its generator is given the JSON bodies only; every
operation, parameter and response stays as served.
Usage: json_bodies.py IN OUT
"""

import json
import sys

document = json.load(open(sys.argv[1]))
for item in document["paths"].values():
    for operation in item.values():
        content = operation.get("requestBody", {}).get("content", {})
        content.pop("application/x-protobuf", None)
json.dump(document, open(sys.argv[2], "w"), indent=1)
