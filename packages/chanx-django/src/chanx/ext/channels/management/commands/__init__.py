"""``generate_asyncapi_schema``: write the AsyncAPI document for CI."""
