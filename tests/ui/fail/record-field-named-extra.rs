ipidea::generate!("../../../../tests/ui/specs/record-field-named-extra.json");

fn main() {}
