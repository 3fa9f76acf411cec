//! The OpenAPI export, read back with a real OpenAPI parser (`openapiv3`): every endpoint,
//! field, credential and type of the bundled spec is in it, with the right requiredness.

use ipidea_spec::{Encoding, Method, Spec, TypeKind};
use ipidea_spec_tools::openapi;
use openapiv3::{
    MediaType, OpenAPI, Operation, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::{Value, json};

fn parsed(spec: &Spec) -> OpenAPI {
    let document = openapi::export(spec);
    serde_json::from_value(document).expect("the export parses as OpenAPI 3.0")
}

fn operation<'a>(document: &'a OpenAPI, path: &str, method: Method) -> &'a Operation {
    let item = match document.paths.paths.get(path) {
        Some(ReferenceOr::Item(item)) => item,
        other => panic!("no path item for `{path}`: {other:?}"),
    };
    let operation = match method {
        Method::Get => item.get.as_ref(),
        Method::Post => item.post.as_ref(),
    };
    operation.unwrap_or_else(|| panic!("no `{}` at `{path}`", method.name()))
}

fn media<'a>(operation: &'a Operation, content_type: &str) -> &'a MediaType {
    let Some(ReferenceOr::Item(body)) = &operation.request_body else {
        panic!("no inline request body");
    };
    assert!(body.required);
    body.content
        .get(content_type)
        .unwrap_or_else(|| panic!("no `{content_type}` body, found {:?}", body.content.keys()))
}

fn object(schema: &ReferenceOr<Schema>) -> &openapiv3::ObjectType {
    match schema {
        ReferenceOr::Item(Schema {
            schema_kind: SchemaKind::Type(Type::Object(object)),
            ..
        }) => object,
        other => panic!("expected an inline object schema, found {other:?}"),
    }
}

/// The target of a `$ref`.
fn reference(schema: &ReferenceOr<Schema>) -> Option<&str> {
    match schema {
        ReferenceOr::Reference { reference } => Some(reference),
        ReferenceOr::Item(_) => None,
    }
}

#[test]
fn the_export_is_openapi_3_0_3_with_the_servers_and_info() {
    let spec = ipidea_spec::bundled();
    let document = parsed(&spec);
    assert_eq!(document.openapi, "3.0.3");
    assert_eq!(document.info.title, spec.api.title);
    assert!(
        document
            .info
            .description
            .as_deref()
            .unwrap()
            .starts_with(&spec.api.doc.en)
    );
    assert_eq!(document.info.extensions["x-zh"], json!("IPIDEA开放接口"));
    assert_eq!(document.servers.len(), 1);
    assert_eq!(document.servers[0].url, spec.main_service().base_url);
}

#[test]
fn every_endpoint_is_a_path_with_its_method_and_extensions() {
    let spec = ipidea_spec::bundled();
    let document = parsed(&spec);
    assert_eq!(document.paths.paths.len(), spec.endpoints.len());
    for endpoint in &spec.endpoints {
        let operation = operation(&document, &endpoint.url_path, endpoint.method);
        assert_eq!(
            operation.operation_id.as_deref(),
            Some(endpoint.name.as_str())
        );
        assert_eq!(operation.summary.as_deref(), Some(endpoint.doc.en.as_str()));
        assert_eq!(
            operation.extensions.get("x-zh"),
            endpoint.doc.zh.as_ref().map(|zh| json!(zh)).as_ref(),
            "{}",
            endpoint.name
        );
        assert_eq!(
            operation.extensions["x-idempotent"],
            json!(endpoint.idempotent)
        );
        match &endpoint.paging {
            Some(paging) => assert_eq!(
                operation.extensions["x-paging"],
                json!({ "page": paging.page, "limit": paging.limit })
            ),
            None => assert!(!operation.extensions.contains_key("x-paging")),
        }
    }
}

#[test]
fn every_request_field_and_credential_is_a_property_with_its_requiredness() {
    let spec = ipidea_spec::bundled();
    let document = parsed(&spec);
    for endpoint in spec.endpoints.iter().filter(|e| e.method == Method::Post) {
        assert_eq!(spec.encoding(endpoint), Encoding::Multipart);
        let operation = operation(&document, &endpoint.url_path, endpoint.method);
        let media = media(operation, "multipart/form-data");
        let body = object(media.schema.as_ref().expect("a body schema"));
        assert_eq!(
            body.properties.len(),
            spec.service_of(endpoint).auth.len() + endpoint.request.len(),
            "{}",
            endpoint.name
        );
        for auth in &spec.service_of(endpoint).auth {
            assert!(body.properties.contains_key(&auth.name), "{}", auth.name);
            assert!(body.required.contains(&auth.name), "{}", auth.name);
        }
        for field in &endpoint.request {
            assert!(
                body.properties.contains_key(&field.name),
                "`{}` of `{}`",
                field.name,
                endpoint.name
            );
            assert_eq!(
                body.required.contains(&field.name),
                field.required,
                "`{}` of `{}`",
                field.name,
                endpoint.name
            );
        }
        // The vendor's example request is the body's example; an endpoint no vendor page
        // documents has none.
        assert_eq!(
            media.example.as_ref(),
            endpoint
                .examples
                .first()
                .map(|example| Value::Object(example.request.clone()))
                .as_ref(),
            "{}",
            endpoint.name
        );
    }
}

#[test]
fn field_types_bounds_and_docs_map_to_openapi() {
    let spec = ipidea_spec::bundled();
    let document = parsed(&spec);
    let open = operation(&document, "/api/open/isp_ip_open", Method::Post);
    let body = object(media(open, "multipart/form-data").schema.as_ref().unwrap());
    let property = |name: &str| match &body.properties[name] {
        ReferenceOr::Item(schema) => schema.as_ref().clone(),
        other => panic!("`{name}` is a reference: {other:?}"),
    };
    // `num` is a `u32` with `minimum` 1.
    let num = property("num");
    let SchemaKind::Type(Type::Integer(integer)) = &num.schema_kind else {
        panic!("`num` is not an integer: {num:?}");
    };
    assert_eq!(
        (integer.minimum, integer.maximum),
        (Some(1), Some(u32::MAX.into()))
    );
    assert_eq!(
        num.schema_data.description.as_deref(),
        Some("How many IPs to open.")
    );
    assert_eq!(num.schema_data.extensions["x-zh"], json!("数量"));
    // `region` has a minimum length.
    let SchemaKind::Type(Type::String(region)) = &property("region").schema_kind else {
        panic!("`region` is not a string");
    };
    assert_eq!(region.min_length, Some(1));
    // The secret credential is a password.
    let SchemaKind::Type(Type::String(appkey)) = &property("appkey").schema_kind else {
        panic!("`appkey` is not a string");
    };
    assert_eq!(
        appkey.format,
        VariantOrUnknownOrEmpty::Item(StringFormat::Password)
    );
    // An enum field refers to its component, next to its own doc.
    let SchemaKind::AllOf { all_of } = &property("duration").schema_kind else {
        panic!("`duration` does not wrap its enum");
    };
    assert_eq!(
        reference(&all_of[0]),
        Some("#/components/schemas/IspDuration")
    );

    // An integer enum is text in a form.
    let list = operation(&document, "/api/open/flow_order_list", Method::Post);
    let body = object(media(list, "multipart/form-data").schema.as_ref().unwrap());
    let ReferenceOr::Item(pay_status) = &body.properties["pay_status"] else {
        panic!("`pay_status` is a reference");
    };
    let SchemaKind::Type(Type::String(pay_status)) = &pay_status.schema_kind else {
        panic!("`pay_status` is not a string in a form");
    };
    assert_eq!(
        pay_status.enumeration,
        [Some("0".to_owned()), Some("1".to_owned())]
    );

    // A `,`-joined IP list is a string.
    let renew = operation(&document, "/api/open/isp_ip_renew", Method::Post);
    let body = object(media(renew, "multipart/form-data").schema.as_ref().unwrap());
    let ReferenceOr::Item(ips) = &body.properties["renew_ip_list"] else {
        panic!("`renew_ip_list` is a reference");
    };
    assert!(matches!(ips.schema_kind, SchemaKind::Type(Type::String(_))));
    assert_eq!(ips.schema_data.extensions["x-min-items"], json!(1));
}

#[test]
fn responses_are_envelopes_around_the_data_type() {
    let spec = ipidea_spec::bundled();
    let document = parsed(&spec);
    for endpoint in &spec.endpoints {
        let envelope = &spec.service_of(endpoint).envelope;
        let operation = operation(&document, &endpoint.url_path, endpoint.method);
        let ReferenceOr::Item(ok) =
            &operation.responses.responses[&openapiv3::StatusCode::Code(200)]
        else {
            panic!("the 200 response is a reference");
        };
        let media = &ok.content["application/json"];
        let schema = object(media.schema.as_ref().unwrap());
        for (_, key) in envelope.fields() {
            assert!(schema.properties.contains_key(key), "`{key}`");
        }
        assert_eq!(schema.required, std::slice::from_ref(&envelope.status));
        assert_eq!(
            media.example.as_ref(),
            endpoint.examples.first().map(|example| &example.response),
            "{}",
            endpoint.name
        );
        // A named type is referred to; lists, `json` and `empty` are inline schemas.
        let ipidea_spec::TypeRef::Named(name) = &endpoint.response else {
            continue;
        };
        let ReferenceOr::Item(data) = &schema.properties[&envelope.data] else {
            panic!("the data is a bare reference");
        };
        let SchemaKind::AllOf { all_of } = &data.schema_kind else {
            panic!("the data of `{}` does not refer to its type", endpoint.name);
        };
        assert_eq!(
            reference(&all_of[0]),
            Some(format!("#/components/schemas/{name}").as_str())
        );
    }
}

#[test]
fn every_named_type_is_a_component_and_every_record_field_a_property() {
    let spec = ipidea_spec::bundled();
    let document = parsed(&spec);
    let schemas = &document.components.as_ref().expect("components").schemas;
    assert_eq!(schemas.len(), spec.types.len());
    for def in &spec.types {
        let Some(ReferenceOr::Item(schema)) = schemas.get(&def.name) else {
            panic!("no component `{}`", def.name);
        };
        assert_eq!(
            schema.schema_data.description.as_deref(),
            Some(def.doc.en.as_str())
        );
        match (&def.kind, &schema.schema_kind) {
            (TypeKind::Record { fields }, SchemaKind::Type(Type::Object(object))) => {
                assert_eq!(object.properties.len(), fields.len());
                for field in fields {
                    let Some(ReferenceOr::Item(property)) = object.properties.get(&field.name)
                    else {
                        panic!("`{}` of `{}` is missing", field.name, def.name);
                    };
                    assert_eq!(
                        property.schema_data.nullable, field.nullable,
                        "{}",
                        field.name
                    );
                    assert_eq!(object.required.contains(&field.name), !field.nullable);
                }
            }
            (TypeKind::Page { .. }, SchemaKind::Type(Type::Object(object))) => {
                let layout = &spec.api.page;
                for key in [
                    &layout.total,
                    &layout.per_page,
                    &layout.current_page,
                    &layout.last_page,
                    &layout.items,
                ] {
                    assert!(
                        object.properties.contains_key(key),
                        "`{key}` of `{}`",
                        def.name
                    );
                }
            }
            (TypeKind::Enum { values, .. }, SchemaKind::Type(Type::String(string))) => {
                let wire: Vec<Option<String>> =
                    values.iter().map(|v| Some(v.value.clone())).collect();
                assert_eq!(string.enumeration, wire);
            }
            (TypeKind::Enum { values, .. }, SchemaKind::Type(Type::Integer(integer))) => {
                let wire: Vec<Option<i64>> = values.iter().map(|v| v.value.parse().ok()).collect();
                assert_eq!(integer.enumeration, wire);
            }
            (kind, schema) => panic!("`{}`: {kind:?} became {schema:?}", def.name),
        }
    }
}

#[test]
fn get_endpoints_take_query_parameters_and_other_encodings_their_media_type() {
    let mut json: Value = serde_json::from_str(ipidea_spec::BUNDLED).unwrap();
    // `GET` sends the fields in the URL, so only an API without credentials may use it.
    json["api"]["auth"] = json!({});
    json["endpoints"]["isp_order_list"]["method"] = json!("GET");
    json["endpoints"]["isp_ip_renew"]["encoding"] = json!("form");
    json["endpoints"]["static_ip_renew"]["encoding"] = json!("json");
    let spec = ipidea_spec::parse("edited.json", &json.to_string()).unwrap();
    let document = parsed(&spec);

    let list = operation(&document, "/api/open/isp_order_list", Method::Get);
    assert!(list.request_body.is_none());
    let names: Vec<(String, bool)> = list
        .parameters
        .iter()
        .map(|p| match p {
            ReferenceOr::Item(openapiv3::Parameter::Query { parameter_data, .. }) => {
                (parameter_data.name.clone(), parameter_data.required)
            }
            other => panic!("not a query parameter: {other:?}"),
        })
        .collect();
    let endpoint = spec.endpoint("isp_order_list").unwrap();
    let expected: Vec<(String, bool)> = endpoint
        .request
        .iter()
        .map(|f| (f.name.clone(), f.required))
        .collect();
    assert_eq!(names, expected);

    let form = operation(&document, "/api/open/isp_ip_renew", Method::Post);
    media(form, "application/x-www-form-urlencoded");
    let json_body = operation(&document, "/api/open/static_ip_renew", Method::Post);
    media(json_body, "application/json");
}

#[test]
fn unverified_endpoints_and_ordered_fields_are_described() {
    let mut json: Value = serde_json::from_str(ipidea_spec::BUNDLED).unwrap();
    let source = "No vendor page. Source: a client whose CI called the live API.";
    json["endpoints"]["flow_order_list"]["unverified"] = json!(source);
    json["endpoints"]["flow_order_list"]["request"]["end_time"]["not_before"] = json!("start_time");
    let spec = ipidea_spec::parse("edited.json", &json.to_string()).unwrap();
    let document = parsed(&spec);

    let list = operation(&document, "/api/open/flow_order_list", Method::Post);
    assert_eq!(list.extensions["x-unverified"], json!(source));
    let description = list.description.as_deref().unwrap();
    assert!(
        description.contains(&format!("\n\n**Unverified.** {source}\n\n")),
        "{description}"
    );
    let open = operation(&document, "/api/open/isp_ip_open", Method::Post);
    if spec.endpoint("isp_ip_open").unwrap().unverified.is_none() {
        assert!(!open.extensions.contains_key("x-unverified"));
    }

    let body = media(list, "multipart/form-data");
    let end_time = match &object(body.schema.as_ref().unwrap()).properties["end_time"] {
        ReferenceOr::Item(schema) => schema,
        other => panic!("expected an inline schema, found {other:?}"),
    };
    assert_eq!(
        end_time.schema_data.extensions["x-not-before"],
        json!("start_time")
    );
    let description = end_time.schema_data.description.as_deref().unwrap();
    assert!(
        description.ends_with(" Not earlier than `start_time`."),
        "{description}"
    );
}

#[test]
fn an_extraction_goes_to_its_own_server_with_its_fixed_field_and_no_credentials() {
    let spec = ipidea_spec::bundled();
    let document = parsed(&spec);
    let endpoint = spec
        .endpoint("get_proxy_ip")
        .expect("the bundled spec extracts");
    let operation = operation(&document, &endpoint.url_path, endpoint.method);
    let servers: Vec<&str> = operation.servers.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(servers, ["http://api.proxy.ipidea.io"]);
    assert!(
        operation.request_body.is_none(),
        "a GET sends a query string"
    );
    let names: Vec<String> = operation
        .parameters
        .iter()
        .map(|p| match p {
            ReferenceOr::Item(p) => p.parameter_data_ref().name.clone(),
            ReferenceOr::Reference { reference } => reference.clone(),
        })
        .collect();
    assert_eq!(names, ["return_type", "num", "protocol", "regions"]);
    assert!(!names.iter().any(|n| n == "appkey" || n == "uid"));
    let description = document.info.description.as_deref().unwrap_or_default();
    assert!(
        description.contains("The API `extraction`"),
        "{description}"
    );
    assert!(
        description.contains("`code` is `0` on success"),
        "{description}"
    );
}
