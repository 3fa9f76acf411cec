//! The JSON Schema (`spec/schema.json`) and the loader agree on the keys of each object of the
//! format: every key the bundled spec uses is in the schema, and every key the schema offers
//! is one the loader reads (never "unknown key").

use serde_json::{Map, Value, json};

const SCHEMA: &str = include_str!("../schema.json");

fn schema() -> Value {
    serde_json::from_str(SCHEMA).expect("the schema is JSON")
}

fn bundled() -> Value {
    serde_json::from_str(ipidea_spec::BUNDLED).expect("the bundled spec is JSON")
}

/// The properties the schema's definition `name` offers.
fn offered(schema: &Value, name: &str) -> Vec<String> {
    schema["$defs"][name]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("the schema defines `{name}`"))
        .keys()
        .cloned()
        .collect()
}

/// The objects of the bundled spec each definition describes, by JSON pointer.
fn places(spec: &Value) -> Vec<(&'static str, String)> {
    let mut places = vec![
        ("api", "/api".to_owned()),
        ("envelope", "/api/envelope".to_owned()),
    ];
    for name in spec["apis"].as_object().unwrap().keys() {
        places.push(("service", format!("/apis/{name}")));
        places.push(("envelope", format!("/apis/{name}/envelope")));
    }
    for name in spec["endpoints"].as_object().unwrap().keys() {
        places.push(("endpoint", format!("/endpoints/{name}")));
    }
    places
}

#[test]
fn every_key_the_bundled_spec_uses_is_in_the_schema() {
    let (schema, spec) = (schema(), bundled());
    for (definition, pointer) in places(&spec) {
        let keys = offered(&schema, definition);
        let object = spec.pointer(&pointer).and_then(Value::as_object).unwrap();
        for key in object.keys() {
            assert!(
                keys.contains(key),
                "`{key}` of {pointer} is not in `{definition}`"
            );
        }
    }
    let top: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
    for key in spec.as_object().unwrap().keys() {
        assert!(top.contains(&key), "top-level `{key}`");
    }
}

#[test]
fn every_key_the_schema_offers_is_read_by_the_loader() {
    let (schema, spec) = (schema(), bundled());
    for (definition, pointer) in places(&spec) {
        for key in offered(&schema, definition) {
            let mut edited = spec.clone();
            let object: &mut Map<String, Value> = edited
                .pointer_mut(&pointer)
                .and_then(Value::as_object_mut)
                .unwrap();
            if object.contains_key(&key) {
                continue;
            }
            // Any value: a wrong type is another error, an unknown key is this one.
            object.insert(key.clone(), json!(null));
            let errors = match ipidea_spec::parse("edited.json", &edited.to_string()) {
                Ok(_) => continue,
                Err(errors) => errors.to_string(),
            };
            assert!(
                !errors.contains(&format!("unknown key `{key}`")),
                "the schema offers `{key}` in `{definition}` ({pointer}), the loader refuses it:\n{errors}"
            );
        }
    }
}
