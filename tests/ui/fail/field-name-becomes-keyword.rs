ipidea::generate!("../../../../tests/ui/specs/field-name-becomes-keyword.json");

fn main() {}
