//! Editing the bundled spec as JSON, shared by the tests that break or change it.

#![allow(dead_code)]

use serde_json::Value;

/// The bundled spec as JSON, ready to be edited.
pub fn spec() -> Value {
    serde_json::from_str(ipidea_spec::BUNDLED).expect("the bundled spec is JSON")
}

/// The node at a JSON pointer, such as `/endpoints/isp_ip_open/request`.
#[track_caller]
pub fn node<'a>(spec: &'a mut Value, pointer: &str) -> &'a mut Value {
    spec.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no node at `{pointer}`"))
}

/// Adds (or replaces) `key` in the object at `pointer`; a new key goes last.
#[track_caller]
pub fn set(spec: &mut Value, pointer: &str, key: &str, value: Value) {
    node(spec, pointer)
        .as_object_mut()
        .unwrap_or_else(|| panic!("`{pointer}` is not an object"))
        .insert(key.to_owned(), value);
}

/// Removes `key` from the object at `pointer`.
#[track_caller]
pub fn remove(spec: &mut Value, pointer: &str, key: &str) {
    node(spec, pointer)
        .as_object_mut()
        .unwrap_or_else(|| panic!("`{pointer}` is not an object"))
        .shift_remove(key)
        .unwrap_or_else(|| panic!("no `{key}` in `{pointer}`"));
}
