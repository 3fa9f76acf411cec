//! The client that progenitor makes from `openapi.json`, the OpenAPI export of `spec.json`.
#![allow(missing_docs)]

progenitor::generate_api!(spec = "openapi.json");
