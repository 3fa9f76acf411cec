ipidea::generate!("../../../../tests/ui/specs/duplicate-field-after-case-conversion.json");

fn main() {}
