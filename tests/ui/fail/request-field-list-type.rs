ipidea::generate!("../../../../tests/ui/specs/request-field-list-type.json");

fn main() {}
