// The /v1 API types and server stubs are generated from openapi.yaml at build time.
