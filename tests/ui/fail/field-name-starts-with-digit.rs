ipidea::generate!("../../../../tests/ui/specs/field-name-starts-with-digit.json");

fn main() {}
